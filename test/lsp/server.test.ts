// The language server over a real stdio LSP connection (dist/server.js and `codelets lsp --stdio`),
// checked against what the analyser itself says about the same folders.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { CodeLens } from 'vscode-languageserver-protocol';
import { analyzeFolder } from '../../server/analysis/index';
import type { AnalysisResult } from '../../server/analysis/metadata';
import { classWords, estimateWords } from '../../server/lsp/words';
import { LspClient, REPO_ROOT, uri } from './lsp-client';

const examples = path.join(REPO_ROOT, 'examples');
const fixtures = path.join(REPO_ROOT, 'test', 'fixtures', 'lsp');
const mixed = path.join(fixtures, 'mixed');
const jsOnly = path.join(fixtures, 'js-only');
const whole = { start: { line: 0, character: 0 }, end: { line: 10_000, character: 0 } };
async function waitFor(probe: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
const summaries = (lenses: CodeLens[]) =>
  new Map(lenses.filter((l) => l.command?.command === '').map((l) => [l.range.start.line, l.command!.title]));

describe('language server on the example workspace', () => {
  let client: LspClient;
  let expected: AnalysisResult;
  const service = path.join(examples, 'src', 'service.ts');

  before(async () => {
    expected = analyzeFolder({ root: examples });
    client = new LspClient({ folders: [examples] });
    const init = await client.initialize();
    assert.deepEqual(init.capabilities.codeLensProvider, { resolveProvider: true });
    client.open(service, readFileSync(service, 'utf8'));
  });
  after(() => client.close());

  test('puts a lens with class, estimate and dependency count on every codelet of a file', async () => {
    for (const file of new Set(expected.codelets.map((c) => c.file))) {
      const abs = path.join(examples, file);
      client.open(abs, readFileSync(abs, 'utf8'));
      const lenses = await client.resolvedLenses(abs);
      const titles = summaries(lenses);
      for (const codelet of expected.codelets.filter((c) => c.file === file)) {
        const title = titles.get(codelet.selectionRange.start.line);
        assert.ok(title, `${codelet.id} has a lens`);
        assert.ok(title.startsWith(`${classWords(codelet)} · ${estimateWords(codelet)} · `), `${codelet.id}: ${title}`);
        const deps = codelet.dependencies.length;
        assert.ok(title.includes(deps === 0 ? 'no deps' : `${deps} dep`), title);
      }
      const graph = lenses.filter((l) => l.command?.title === 'Show in graph');
      assert.equal(graph.length, expected.codelets.filter((c) => c.file === file).length);
    }
  });

  test('reports analysis progress with work-done progress and a ready status', async () => {
    const status = await client.analysed();
    assert.equal(status.state, 'ready');
    assert.equal(status.codelets, expected.codelets.length);
    const kinds = client.progress.map((p) => (p as { value: { kind: string } }).value.kind);
    assert.equal(kinds[0], 'begin');
    assert.equal(kinds.at(-1), 'end');
  });

  test('hover on a codelet name explains its profile, dependencies and parallel groups', async () => {
    const entry = expected.codelets.find((c) => c.id === 'src/service.ts#handleReport')!;
    const hover = await client.hover(service, entry.selectionRange.start);
    const text = (hover?.contents as { value: string }).value;
    assert.match(text, /\*\*Codelet\*\* `handleReport`/);
    assert.match(text, /Why:\n- /);
    for (const dep of entry.dependencies) assert.ok(text.includes(`\`${dep.split('#')[1]}\``), dep);
    assert.match(text, /Parallel groups:\n- `/);
    assert.equal(await client.hover(service, { line: 0, character: 0 }), null, 'no hover on a comment');
    // At a call site, the hover explains the callee.
    const lines = readFileSync(service, 'utf8').split('\n');
    const line = lines.findIndex((l) => l.includes('summariseOrders('));
    const callHover = await client.hover(service, { line, character: lines[line].indexOf('summariseOrders(') + 3 });
    assert.match((callHover?.contents as { value: string }).value, /\*\*Codelet\*\* `summariseOrders`/);
  });

  test('inlay hints at call sites carry the callee class and estimate', async () => {
    const hints = await client.inlayHints(service, whole);
    const byId = new Map(expected.codelets.map((c) => [c.id, c]));
    assert.ok(hints.length >= new Set(byId.get('src/service.ts#handleReport')!.dependencies).size);
    for (const hint of hints) {
      const callee = byId.get(String(hint.tooltip))!;
      assert.equal(hint.label, `${classWords(callee)} · ${estimateWords(callee)}`);
    }
  });

  test('codelets/graph returns the workspace graph, or one file of it', async () => {
    const all = await client.connection.sendRequest<{ graphs: AnalysisResult[] }>('codelets/graph', {});
    assert.equal(all.graphs.length, 1);
    assert.deepEqual(all.graphs[0].codelets.map((c) => c.id).sort(), expected.codelets.map((c) => c.id).sort());
    assert.deepEqual(all.graphs[0].edges.length, expected.edges.length);
    const one = await client.connection.sendRequest<{ graphs: AnalysisResult[] }>('codelets/graph', { uri: uri(service) });
    assert.deepEqual(one.graphs[0].codelets.map((c) => c.id), ['src/service.ts#handleReport']);
    assert.ok(one.graphs[0].edges.every((e) => e.from === 'src/service.ts#handleReport' || e.to === 'src/service.ts#handleReport'));
  });

  test('codelets/codelet returns one codelet, null for an unknown id, and names a bad parameter', async () => {
    const codelet = await client.connection.sendRequest<{ id: string } | null>('codelets/codelet', { id: 'src/loaders.ts#loadOrders' });
    assert.equal(codelet?.id, 'src/loaders.ts#loadOrders');
    assert.equal(await client.connection.sendRequest('codelets/codelet', { id: 'src/nowhere.ts#x' }), null);
    await assert.rejects(client.connection.sendRequest('codelets/codelet', { id: 42 }), /codelets\/codelet: id: .*string/i);
    await assert.rejects(client.connection.sendRequest('codelets/graph', { uri: 'file:///elsewhere/x.ts' }), /file:\/\/\/elsewhere\/x\.ts is not in a workspace folder/);
  });

  test('re-analyses with the exclude globs when the settings change', async () => {
    await client.connection.sendNotification('workspace/didChangeConfiguration', {
      settings: { codelets: { analysis: { exclude: ['src/util.ts'] } } },
    });
    const ids = async () => (await client.connection.sendRequest<{ graphs: AnalysisResult[] }>('codelets/graph', {})).graphs[0].codelets.map((c) => c.id);
    const without = await ids();
    assert.ok(!without.some((id) => id.startsWith('src/util.ts#')), JSON.stringify(without));
    assert.ok(without.includes('src/service.ts#handleReport'));
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: { codelets: {} } });
    assert.ok((await ids()).some((id) => id.startsWith('src/util.ts#')));
  });
});

describe('language server on a multi-root workspace (TypeScript + JavaScript without tsconfig)', () => {
  let client: LspClient;
  const report = path.join(mixed, 'src', 'report.ts');
  const math = path.join(jsOnly, 'lib', 'math.js');
  const reportText = readFileSync(report, 'utf8');

  before(async () => {
    client = new LspClient({ folders: [mixed, jsOnly] });
    await client.initialize();
    client.open(report, reportText);
    client.open(math, readFileSync(math, 'utf8'));
    await client.analysed();
  });
  after(() => client.close());

  test('analyses each root on its own', async () => {
    const { graphs } = await client.connection.sendRequest<{ graphs: AnalysisResult[] }>('codelets/graph', {});
    assert.deepEqual(graphs.map((g) => g.root).sort(), [jsOnly, mixed].sort());
    const js = summaries(await client.resolvedLenses(math));
    assert.match(js.get(1) ?? '', /^CPU-bound/, 'fib in a plain .js file has its lens');
    assert.match(js.get(8) ?? '', /· 1 dep$/);
  });

  test('publishes advice as information, never as an error', async () => {
    const diagnostics = client.diagnostics.get(uri(report)) ?? [];
    const advice = diagnostics.find((d) => d.code === 'advice');
    assert.ok(advice, JSON.stringify(diagnostics));
    assert.equal(advice.severity, 3);
    assert.match(String(advice.message), /could be split into two codelets at line \d+/);
    assert.ok(diagnostics.every((d) => d.severity === 3 || d.severity === 4));
  });

  test('an edit updates the lenses of the edited file', async () => {
    const added = `${reportText}\nexport function readConfig(file: string): string {\n  return readFileSync(file, 'utf8');\n}\n`;
    client.change(report, added);
    const titles = summaries(await client.resolvedLenses(report));
    const line = added.split('\n').findIndex((l) => l.startsWith('export function readConfig'));
    assert.match(titles.get(line) ?? '', /^I\/O-bound/);
  });

  test('keeps the last lenses while the file does not parse, then follows the fixed text', async () => {
    await client.resolvedLenses(report);
    client.change(report, reportText.replace('export function sumTo(n: number): number {', 'export function sumTo(n: number): number {{{ ('));
    const during = await client.resolvedLenses(report);
    assert.ok(during.length > 0, 'never an empty list mid-edit');
    client.change(report, reportText);
    const after = summaries(await client.resolvedLenses(report));
    assert.equal(after.size, 3);
  });
});

describe('files with syntax errors and files changed on disk', () => {
  test('a file that does not parse still gets lenses for what parses', async () => {
    const folder = path.join(fixtures, 'syntax');
    const broken = path.join(folder, 'broken.ts');
    const client = new LspClient({ folders: [folder] });
    try {
      await client.initialize();
      client.open(broken, readFileSync(broken, 'utf8'));
      const titles = summaries(await client.resolvedLenses(broken));
      const lines = readFileSync(broken, 'utf8').split('\n');
      for (const name of ['before', 'after']) {
        const line = lines.findIndex((l) => l.startsWith(`export function ${name}(`));
        assert.ok(titles.get(line), `${name} has a lens: ${JSON.stringify([...titles])}`);
      }
    } finally {
      await client.close();
    }
  });

  test('follows files created and deleted on disk (didChangeWatchedFiles)', async () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), 'codelets-lsp-'));
    cpSync(mixed, folder, { recursive: true });
    const client = new LspClient({ folders: [folder] });
    const graphIds = async () =>
      (await client.connection.sendRequest<{ graphs: AnalysisResult[] }>('codelets/graph', {})).graphs[0].codelets.map((c) => c.id);
    try {
      await client.initialize();
      await client.analysed();
      assert.ok(!(await graphIds()).includes('src/added.ts#added'));
      const added = path.join(folder, 'src', 'added.ts');
      writeFileSync(added, 'export function added(n: number): number {\n  return n * 2;\n}\n');
      await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uri(added), type: 1 }] });
      assert.ok((await graphIds()).includes('src/added.ts#added'), 'the new file is analysed');
      rmSync(added);
      await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uri(added), type: 3 }] });
      assert.ok(!(await graphIds()).includes('src/added.ts#added'), 'the deleted file is gone');
    } finally {
      await client.close();
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

describe('workspace folders added and removed', () => {
  test('analyses an added folder and forgets a removed one', async () => {
    const client = new LspClient({ folders: [mixed] });
    const roots = async () => (await client.connection.sendRequest<{ graphs: AnalysisResult[] }>('codelets/graph', {})).graphs.map((g) => g.root).sort();
    try {
      await client.initialize();
      await client.analysed();
      assert.deepEqual(await roots(), [mixed]);
      const changed = client.graphChanges.length;
      client.setFolders([mixed, jsOnly]);
      await waitFor(() => client.graphChanges.length > changed, 'a graph change after adding a folder');
      assert.deepEqual(await roots(), [jsOnly, mixed].sort());
      client.setFolders([jsOnly]);
      await waitFor(async () => (await roots()).length === 1, 'the removed folder to leave the graph');
      assert.deepEqual(await roots(), [jsOnly]);
    } finally {
      await client.close();
    }
  });
});

describe('closing an edited document', () => {
  test('returns the analysis to the file on disk, even with the revert still pending', async () => {
    const client = new LspClient({ folders: [mixed] });
    const report = path.join(mixed, 'src', 'report.ts');
    const text = readFileSync(report, 'utf8');
    try {
      await client.initialize();
      client.open(report, text);
      const before = (await client.lenses(report)).length;
      client.change(report, `${text}\nexport function extra(): number {\n  return 1;\n}\n`);
      assert.ok((await client.lenses(report)).length > before);
      // What an editor's "revert" does: the text goes back to disk, then the document closes before
      // the debounced re-analysis ran.
      client.change(report, text);
      await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri: uri(report) } });
      client.open(report, text);
      assert.equal((await client.lenses(report)).length, before);
      // Closed and reopened while the re-analysis of an edit is still running.
      client.change(report, `${text}\nexport function other(): number {\n  return 2;\n}\n`);
      const inFlight = client.lenses(report);
      await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri: uri(report) } });
      client.open(report, text);
      await inFlight;
      assert.equal((await client.lenses(report)).length, before);
    } finally {
      await client.close();
    }
  });
});

describe('codelets lsp --stdio', () => {
  test('runs the same server through the CLI, with lenses and hints switched off by settings', async () => {
    const client = new LspClient({
      folders: [mixed],
      via: 'cli',
      initializationOptions: { settings: { lenses: { enabled: false }, inlayHints: { enabled: false } } },
    });
    try {
      const init = await client.initialize();
      assert.equal(init.serverInfo?.name, 'codelets');
      const report = path.join(mixed, 'src', 'report.ts');
      client.open(report, readFileSync(report, 'utf8'));
      assert.deepEqual(await client.lenses(report), []);
      assert.deepEqual(await client.inlayHints(report, whole), []);
      const hover = await client.hover(report, { line: 3, character: 18 });
      assert.match((hover?.contents as { value: string }).value, /`digestFile`/);
    } finally {
      await client.close();
    }
  });
});
