// `codelets/measured` over a real stdio LSP connection: the agent's figures (as the extension forwards
// them) show in lenses, hovers, inlay hints, the graph request and a measured-vs-static diagnostic,
// survive a re-analysis of the file, and bad params are refused without disturbing the server.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { CodeLens } from 'vscode-languageserver-protocol';
import type { Measured } from '../../server/analysis/metadata';
import type { GraphResult } from '../../server/lsp/protocol';
import { LspClient, REPO_ROOT, uri } from './lsp-client';

const examples = path.join(REPO_ROOT, 'examples');
const loaders = path.join(examples, 'src', 'loaders.ts');
const service = path.join(examples, 'src', 'service.ts');
const LOAD_ORDERS = 'src/loaders.ts#loadOrders';
const whole = { start: { line: 0, character: 0 }, end: { line: 10_000, character: 0 } };

// loadOrders reads a file: the analyser calls it I/O-bound; these figures say it computed.
const figures: Measured = {
  runs: 12,
  p50Ms: 4.2,
  p95Ms: 9.5,
  class: 'cpu-bound',
  profile: { cpu: 0.9, memory: 0.05, io: 0.05, gpu: 0 },
  fleet: 'cpu',
  reason: 'computes 90 % of its wall time over 12 runs',
};

async function eventually<T>(probe: () => Promise<T>, ok: (value: T) => boolean, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await probe();
    if (ok(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(last)?.slice(0, 1500)}`);
}

describe('measured figures from the agent (codelets/measured)', () => {
  let client: LspClient;
  let loadOrdersLine: number;
  let refreshes = 0;
  const summary = (lenses: CodeLens[]) => lenses.find((l) => l.range.start.line === loadOrdersLine && l.command?.command === '')?.command?.title;
  const contradictions = () => (client.diagnostics.get(uri(loaders)) ?? []).filter((d) => d.code === 'measured-contradicts-static');

  before(async () => {
    client = new LspClient({ folders: [examples] });
    client.connection.onRequest('workspace/codeLens/refresh', () => void refreshes++);
    await client.initialize();
    client.open(loaders, readFileSync(loaders, 'utf8'));
    client.open(service, readFileSync(service, 'utf8'));
    await client.analysed();
    const graph = await client.connection.sendRequest<GraphResult>('codelets/graph', {});
    const codelet = graph.graphs[0].codelets.find((c) => c.id === LOAD_ORDERS);
    assert.ok(codelet, `${LOAD_ORDERS} is a codelet of the example`);
    assert.equal(codelet.class, 'io-bound', 'the analyser calls loadOrders I/O-bound');
    assert.equal(codelet.measured, undefined, 'no figures before the agent sends any');
    loadOrdersLine = codelet.selectionRange.start.line;
  });
  after(() => client.close());

  test('lenses, hover, inlay hints and the graph show the figures, and the contradiction is diagnosed', async () => {
    const whyLens = (lenses: CodeLens[]) => lenses.find((l) => l.range.start.line === loadOrdersLine && l.command?.command === 'codelets.explainPlacement');
    const beforeLenses = await client.resolvedLenses(loaders);
    const before = summary(beforeLenses);
    assert.ok(before && !before.includes('measured'), `static lens first: ${before}`);
    assert.equal(whyLens(beforeLenses), undefined, 'no "Why this fleet?" before the codelet has run');
    assert.equal(contradictions().length, 0);

    const refreshesBefore = refreshes;
    await client.connection.sendNotification('codelets/measured', { root: examples, measured: { [LOAD_ORDERS]: figures } });

    await eventually(async () => refreshes, (n) => n > refreshesBefore, 'a workspace/codeLens/refresh request');
    const afterLenses = await client.resolvedLenses(loaders);
    const title = summary(afterLenses);
    assert.equal(title?.split(' · ')[1], 'p50 4.2 ms measured', `lens: ${title}`);
    assert.deepEqual(whyLens(afterLenses)?.command, { title: 'Why this fleet?', command: 'codelets.explainPlacement', arguments: [LOAD_ORDERS] });
    const [diagnostic] = await eventually(async () => contradictions(), (d) => d.length === 1, 'the measured-vs-static diagnostic');
    assert.match(String(diagnostic.message), /loadOrders was measured CPU-bound over 12 runs, but the static analysis says I\/O-bound/);
    assert.equal(diagnostic.range.start.line, loadOrdersLine);

    const hover = await client.hover(loaders, { line: loadOrdersLine, character: contradictions()[0].range.start.character + 1 });
    assert.match((hover?.contents as { value: string }).value, /Measured over 12 runs: p50 4\.2 ms, p95 9\.5 ms, CPU-bound on fleet `cpu`/);

    const hints = await client.inlayHints(service, whole);
    assert.ok(hints.some((h) => h.label === 'I/O-bound · p50 4.2 ms measured' && h.tooltip === LOAD_ORDERS), JSON.stringify(hints.map((h) => h.label)));

    const graph = await client.connection.sendRequest<GraphResult>('codelets/graph', {});
    assert.deepEqual(graph.graphs[0].codelets.find((c) => c.id === LOAD_ORDERS)?.measured, figures);
    const one = await client.connection.sendRequest<{ measured?: Measured } | null>('codelets/codelet', { id: LOAD_ORDERS });
    assert.deepEqual(one?.measured, figures);
  });

  test('the figures survive a re-analysis of the file', async () => {
    const text = readFileSync(loaders, 'utf8');
    client.change(loaders, `${text}\nexport function addedByTest(n: number): number {\n  return n + 1;\n}\n`);
    const lenses = await eventually(
      () => client.resolvedLenses(loaders),
      (l) => l.some((lens) => lens.command?.command === 'codelets.revealInGraph' && lens.command.arguments?.[0] === 'src/loaders.ts#addedByTest'),
      'a lens on the function the edit added',
    );
    assert.equal(summary(lenses)?.split(' · ')[1], 'p50 4.2 ms measured');
    assert.equal(contradictions().length, 1, 'the diagnostic stays after the re-analysis');
    client.change(loaders, text);
  });

  test('malformed params are refused with an error naming the field, and the server keeps serving', async () => {
    client.logs.length = 0;
    await client.connection.sendNotification('codelets/measured', { root: examples, measured: { [LOAD_ORDERS]: { ...figures, runs: -3 } } });
    await client.connection.sendNotification('codelets/measured', { measured: {} });
    await client.connection.sendNotification('codelets/measured', { root: '/no/such/folder', measured: {} });
    const logs = await eventually(async () => client.logs.join('\n'), (l) => l.includes('/no/such/folder'), 'errors for the bad notifications');
    assert.match(logs, /codelets\/measured: ignored invalid params: measured\.src\/loaders\.ts#loadOrders\.runs: /);
    assert.match(logs, /codelets\/measured: ignored invalid params: root: /);
    assert.match(logs, /codelets\/measured: ignored figures for \/no\/such\/folder, which is not a workspace folder/);
    // Nothing held changed, and requests are still answered.
    assert.equal(summary(await client.resolvedLenses(loaders))?.split(' · ')[1], 'p50 4.2 ms measured');
    assert.equal(contradictions().length, 1);
  });

  test('an empty snapshot takes the figures away again', async () => {
    await client.connection.sendNotification('codelets/measured', { root: examples, measured: {} });
    await eventually(async () => contradictions(), (d) => d.length === 0, 'the diagnostic cleared');
    const title = summary(await client.resolvedLenses(loaders));
    assert.ok(title && !title.includes('measured'), `static lens again: ${title}`);
  });
});
