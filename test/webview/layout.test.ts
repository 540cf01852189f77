// The layered layout on its own (no browser): direction, determinism, cycles, lanes, and stability
// between updates.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { layeredLayout, type LayoutInput } from '../../webview/layout';
import { exampleGraph, syntheticGraph } from './graphs';

function input(n: number, edges: [number, number][], lanes?: string[]): LayoutInput {
  return { keys: Array.from({ length: n }, (_, i) => `n${String(i).padStart(4, '0')}`), lanes: lanes ?? Array(n).fill(''), edges };
}

function fromGraph(g: ReturnType<typeof exampleGraph>, lane = (_i: number) => ''): LayoutInput {
  return { keys: g.nodes.map((c) => c.id), lanes: g.nodes.map((_, i) => lane(i)), edges: g.edges.map((e) => [e.from, e.to] as [number, number]) };
}

/** Keys of each layer top to bottom. */
function columns(inp: LayoutInput, l: ReturnType<typeof layeredLayout>): string[][] {
  const cols: string[][] = Array.from({ length: l.layers }, () => []);
  const order = inp.keys.map((_, i) => i).sort((a, b) => l.y[a] - l.y[b]);
  for (const i of order) cols[l.layer[i]].push(inp.keys[i]);
  return cols;
}

describe('layered layout', () => {
  it('puts callers left of callees: sources in layer 0, every acyclic edge pointing right', () => {
    const g = exampleGraph();
    const inp = fromGraph(g);
    const l = layeredLayout(inp);
    const entry = g.nodes.findIndex((c) => c.name === 'handleReport');
    assert.equal(l.layer[entry], 0);
    for (const e of g.edges) assert.ok(l.x[e.to] > l.x[e.from], `${g.nodes[e.from].name} → ${g.nodes[e.to].name} goes right`);
  });

  it('keeps nodes of a layer apart and never overlapping', () => {
    const inp = fromGraph(syntheticGraph(300));
    const l = layeredLayout(inp);
    for (const col of columns(inp, l)) {
      const ys = col.map((k) => l.y[inp.keys.indexOf(k)]);
      for (let i = 1; i < ys.length; i++) assert.ok(ys[i] - ys[i - 1] >= 54 - 1e-6, 'rows at least one row gap apart');
    }
  });

  it('is deterministic', () => {
    const inp = fromGraph(syntheticGraph(500));
    const a = layeredLayout(inp);
    const b = layeredLayout(inp);
    assert.deepEqual([...a.x], [...b.x]);
    assert.deepEqual([...a.y], [...b.y]);
  });

  it('lays out cycles (recursion) without losing nodes', () => {
    const inp = input(4, [[0, 1], [1, 2], [2, 0], [2, 3], [3, 3]]);
    const l = layeredLayout(inp);
    assert.equal(l.x.length, 4);
    assert.ok([...l.x].every(Number.isFinite) && [...l.y].every(Number.isFinite));
    assert.ok(l.layers >= 3, 'the cycle is broken into a chain, not one column');
  });

  it('keeps each lane in its own horizontal band', () => {
    const g = exampleGraph();
    const inp = fromGraph(g, (i) => g.nodes[i].file);
    const l = layeredLayout(inp);
    assert.equal(l.lanes.length, new Set(g.nodes.map((c) => c.file)).size);
    g.nodes.forEach((c, i) => {
      const lane = l.lanes.find((b) => b.name === c.file)!;
      assert.ok(l.y[i] >= lane.top && l.y[i] <= lane.bottom, `${c.name} inside lane ${c.file}`);
    });
    for (let i = 1; i < l.lanes.length; i++) assert.ok(l.lanes[i].top > l.lanes[i - 1].bottom);
  });

  it('is stable: adding one codelet keeps every other codelet in its layer and order', () => {
    const g = syntheticGraph(400, 7);
    const before = fromGraph(g);
    const first = layeredLayout(before);
    // A small edit: one new helper called by an existing codelet.
    const after: LayoutInput = {
      keys: [...before.keys, 'src/new.ts#helper'],
      lanes: [...before.lanes, ''],
      edges: [...before.edges, [123, before.keys.length]],
    };
    const second = layeredLayout(after, first.memory);
    const fresh = layeredLayout(after);
    const c1 = columns(before, first);
    const c2 = columns(after, second).map((col) => col.filter((k) => k !== 'src/new.ts#helper'));
    assert.deepEqual(c2, c1, 'surviving codelets keep their layers and their order');
    // Only the new node's layer makes room for it, by at most one row; every other layer stays put.
    const newLayer = second.layer[before.keys.length];
    before.keys.forEach((k, i) => {
      const dy = Math.abs(second.y[i] - first.y[i]);
      if (first.layer[i] !== newLayer) assert.ok(dy < 1e-6, `${k} did not move`);
      else assert.ok(dy <= 54, `${k} moved ${dy}, at most one row`);
    });
    assert.equal(fresh.x.length, 401);
  });

  it('keeps the order when a codelet is removed', () => {
    const g = syntheticGraph(200, 3);
    const before = fromGraph(g);
    const first = layeredLayout(before);
    const drop = 150;
    const after: LayoutInput = {
      keys: before.keys.filter((_, i) => i !== drop),
      lanes: before.lanes.filter((_, i) => i !== drop),
      edges: before.edges.filter(([a, b]) => a !== drop && b !== drop).map(([a, b]) => [a > drop ? a - 1 : a, b > drop ? b - 1 : b] as [number, number]),
    };
    const second = layeredLayout(after, first.memory);
    const rank = new Map(first.memory.order.map((k, i) => [k, i]));
    for (const col of columns(after, second)) {
      for (let i = 1; i < col.length; i++) {
        const a = col[i - 1];
        const b = col[i];
        const la = first.layer[before.keys.indexOf(a)];
        const lb = first.layer[before.keys.indexOf(b)];
        if (la === lb) assert.ok(rank.get(a)! < rank.get(b)!, `${a} stays above ${b}`);
      }
    }
  });

  it('lays out 2,000 codelets', () => {
    const inp = fromGraph(syntheticGraph(2000));
    const l = layeredLayout(inp);
    assert.equal(l.x.length, 2000);
    assert.ok(l.layers >= 12 && l.width > 0 && l.height > 0);
  });
});
