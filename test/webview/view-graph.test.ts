// What ends up on screen for given filters: classes, file, n-hop focus, lanes, collapsing by file.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LiveStat } from '../../webview/protocol';
import { buildView, COLLAPSE_AT, fileKey, nodeKey, type ViewOptions } from '../../webview/view-graph';
import { exampleGraph, syntheticGraph } from './graphs';

const none: ViewOptions = { hiddenClasses: new Set(), file: null, focus: null, groupBy: 'none', collapse: 'auto', expanded: new Set() };
const noLive = new Map<string, LiveStat>();
const names = (v: ReturnType<typeof buildView>) => v.nodes.map((n) => n.label).sort();
const id = (name: string) => exampleGraph().nodes.find((c) => c.name === name)!.id;

describe('view graph', () => {
  it('shows every codelet and edge with no filters', () => {
    const g = exampleGraph();
    const v = buildView(g, noLive, none);
    assert.equal(v.nodes.length, g.nodes.length);
    assert.equal(v.edges.length, g.edges.length);
    assert.equal(v.collapsed, false);
  });

  it('hides a class', () => {
    const v = buildView(exampleGraph(), noLive, { ...none, hiddenClasses: new Set(['trivial']) });
    assert.ok(v.nodes.every((n) => n.cls !== 'trivial'));
    assert.ok(!names(v).includes('percentile'));
    assert.ok(v.edges.every((e) => e.from < v.nodes.length && e.to < v.nodes.length));
  });

  it('shows one file', () => {
    const v = buildView(exampleGraph(), noLive, { ...none, file: fileKey(0, 'src/io/files.ts') });
    assert.deepEqual(names(v), ['listDataFiles', 'parseCsvLine', 'readRecords']);
  });

  it('focuses on an n-hop neighbourhood, both directions', () => {
    const one = buildView(exampleGraph(), noLive, { ...none, focus: { key: nodeKey(0, id('tokenize')), hops: 1 } });
    assert.deepEqual(names(one), ['buildIndex', 'tokenize']);
    const two = buildView(exampleGraph(), noLive, { ...none, focus: { key: nodeKey(0, id('tokenize')), hops: 2 } });
    assert.deepEqual(names(two), ['buildIndex', 'handleReport', 'readRecords', 'renderReport', 'tokenize']);
  });

  it('puts codelets in lanes by file or by fleet, live placement first', () => {
    const byFile = buildView(exampleGraph(), noLive, { ...none, groupBy: 'file' });
    assert.equal(byFile.nodes.find((n) => n.label === 'readRecords')!.lane, 'src/io/files.ts');
    const live = new Map([[nodeKey(0, id('readRecords')), { root: 0, id: id('readRecords'), runs: 3, p50Ms: 9, p95Ms: 12, fleet: 'io-2' }]]);
    const byFleet = buildView(exampleGraph(), live, { ...none, groupBy: 'fleet' });
    assert.equal(byFleet.nodes.find((n) => n.label === 'readRecords')!.lane, 'io-2');
    assert.equal(byFleet.nodes.find((n) => n.label === 'hashRecords')!.lane, 'cpu');
    assert.equal(byFleet.nodes.find((n) => n.label === 'tokenize')!.lane, 'not placed');
    assert.equal(byFleet.nodes.find((n) => n.label === 'readRecords')!.ms, 9, 'size follows the live p50');
  });

  it('collapses a large graph by file, and expands one file on request', () => {
    const g = syntheticGraph(2000);
    const v = buildView(g, noLive, none);
    assert.ok(2000 > COLLAPSE_AT);
    assert.equal(v.collapsed, true);
    assert.equal(v.nodes.length, 100);
    assert.equal(v.nodes.reduce((s, n) => s + n.members, 0), 2000);
    const one = fileKey(0, 'src/module003.ts');
    const expanded = buildView(g, noLive, { ...none, expanded: new Set([one]) });
    assert.equal(expanded.nodes.length, 99 + 20);
    const full = buildView(g, noLive, { ...none, collapse: 'off' });
    assert.equal(full.nodes.length, 2000);
  });
});
