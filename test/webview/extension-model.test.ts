// The extension side's pure parts: AnalysisResult → the webview's graph, cursor → codelet, and the page's CSP.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { codeletAt, findCodelet, refForId, toGraphModel } from '../../extension/graph/model';
import { contentSecurityPolicy, graphPageHtml } from '../../extension/graph/html';
import { AnalysisResult, type Codelet } from '../../server/analysis/metadata';
import { GraphModel } from '../../webview/protocol';

function codelet(file: string, name: string, start: number, end: number, deps: string[] = []): Codelet {
  const range = { start: { line: start, character: 0 }, end: { line: end, character: 1 } };
  return {
    id: `${file}#${name}`, name, kind: 'function', file, range, selectionRange: range, exported: true, async: false,
    invoke: null, profile: { cpu: 0.5, memory: 0, io: 0, gpu: 0 }, class: 'cpu-bound', confidence: 0.5, reasons: [],
    dependencies: deps, state: { reads: [], writes: [] }, estimatedMs: 3, estimateBasis: 'test', parallelGroups: [],
    plan: { decomposable: false, reasons: [], params: [], steps: [], result: null }, advice: [],
  };
}

const result: AnalysisResult = AnalysisResult.parse({
  schemaVersion: 1,
  root: '/work/ws',
  codelets: [codelet('src/a.ts', 'outer', 0, 20, ['src/b.ts#helper']), codelet('src/a.ts', 'inner', 5, 8), codelet('src/b.ts', 'helper', 0, 3)],
  edges: [
    { from: 'src/a.ts#outer', to: 'src/b.ts#helper', kind: 'call' },
    { from: 'src/a.ts#outer', to: 'node_modules/x#y', kind: 'call' },
  ],
  problems: [],
});

describe('graph model for the webview', () => {
  it('converts analysis results into a valid protocol graph, dropping edges to unknown codelets', () => {
    const other = { ...result, root: '/work/other' };
    const g = GraphModel.parse(toGraphModel([result, other]));
    assert.deepEqual(g.roots, ['ws', 'other']);
    assert.equal(g.nodes.length, 6);
    assert.equal(g.edges.length, 2);
    assert.deepEqual(g.nodes[3], { root: 1, id: 'src/a.ts#outer', name: 'outer', file: 'src/a.ts', class: 'cpu-bound', estimatedMs: 3 });
    assert.deepEqual(g.edges[1], { from: 3, to: 5, kind: 'call' });
  });

  it('finds the innermost codelet at the cursor', () => {
    assert.deepEqual(codeletAt([result], '/work/ws/src/a.ts', { line: 6, character: 0 }), { root: 0, id: 'src/a.ts#inner' });
    assert.deepEqual(codeletAt([result], '/work/ws/src/a.ts', { line: 12, character: 0 }), { root: 0, id: 'src/a.ts#outer' });
    assert.equal(codeletAt([result], '/work/ws/src/a.ts', { line: 30, character: 0 }), null);
    assert.equal(codeletAt([result], '/elsewhere/src/a.ts', { line: 6, character: 0 }), null);
  });

  it('looks codelets up by reference and by id', () => {
    assert.equal(findCodelet([result], { root: 0, id: 'src/b.ts#helper' })?.codelet.name, 'helper');
    assert.equal(findCodelet([result], { root: 1, id: 'src/b.ts#helper' }), undefined);
    assert.deepEqual(refForId([result], 'src/b.ts#helper'), { root: 0, id: 'src/b.ts#helper' });
  });
});

describe('graph page html', () => {
  it('carries the strict CSP with the nonce on the only script, and no inline script or style', () => {
    const html = graphPageHtml({ cspSource: 'https://x.vscode-cdn.net', scriptUri: 'https://x/graph.js', styleUri: 'https://x/graph.css', nonce: 'abc123' });
    assert.ok(html.includes(contentSecurityPolicy('https://x.vscode-cdn.net', 'abc123')));
    assert.equal(contentSecurityPolicy('S', 'N'), "default-src 'none'; style-src S; img-src S data:; script-src 'nonce-N'");
    assert.equal((html.match(/<script/g) ?? []).length, 1);
    assert.ok(html.includes('<script nonce="abc123" src="https://x/graph.js"></script>'));
    assert.ok(!/<style|style=/.test(html));
  });
});
