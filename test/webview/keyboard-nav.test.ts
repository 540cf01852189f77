// Arrow-key movement over the laid-out graph, both orientations.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { layerRows, navigate } from '../../webview/keyboard-nav';
import { layeredLayout, VERTICAL_GAPS } from '../../webview/layout';
import { exampleGraph } from './graphs';

const g = exampleGraph();
const input = { keys: g.nodes.map((c) => c.id), lanes: g.nodes.map(() => ''), edges: g.edges.map((e) => [e.from, e.to] as const) };
const edges = g.edges.map((e) => ({ from: e.from, to: e.to, kind: e.kind }));
const at = (name: string) => g.nodes.findIndex((c) => c.name === name);

describe('keyboard navigation', () => {
  for (const vertical of [false, true]) {
    const layout = layeredLayout(input, undefined, vertical ? { ...VERTICAL_GAPS, vertical } : {});
    const rows = layerRows(layout);
    const [deeper, along] = vertical ? (['ArrowDown', 'ArrowRight'] as const) : (['ArrowRight', 'ArrowDown'] as const);
    const [shallower, alongBack] = vertical ? (['ArrowUp', 'ArrowLeft'] as const) : (['ArrowLeft', 'ArrowUp'] as const);

    it(`${vertical ? 'top to bottom' : 'left to right'}: Home starts at the entry, deeper follows an edge`, () => {
      const home = navigate('Home', -1, layout, rows, edges);
      assert.equal(home, at('handleReport'));
      const next = navigate(deeper, home, layout, rows, edges);
      assert.ok(g.edges.some((e) => e.from === home && e.to === next), 'moved along an edge');
      assert.equal(navigate(shallower, next, layout, rows, edges), home);
      assert.equal(navigate(shallower, home, layout, rows, edges), -1, 'nothing before the first layer');
    });

    it(`${vertical ? 'top to bottom' : 'left to right'}: along a layer, in reading order, and back`, () => {
      const row = rows.find((r) => r.length > 2)!;
      assert.equal(navigate(along, row[0], layout, rows, edges), row[1]);
      assert.equal(navigate(alongBack, row[1], layout, rows, edges), row[0]);
      assert.equal(navigate(along, row[row.length - 1], layout, rows, edges), -1);
      const end = navigate('End', -1, layout, rows, edges);
      assert.equal(layout.layer[end], layout.layers - 1);
    });
  }
});
