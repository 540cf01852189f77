// The editor features in the example workspace, checked against what the analyser says about it.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { classWords, estimateWords } from '../../../server/lsp/words';
import { api, codeLenses, eventually, expected, EXTENSION_ID, openFile, screenshot, workspaceUri } from './support';

const summaryOf = (lenses: vscode.CodeLens[], line: number) =>
  lenses.find((l) => l.range.start.line === line && l.command && l.command.command === '')?.command?.title;

describe('Codelets in the editor', () => {
  before(async () => {
    await openFile('src/service.ts');
    await (await api()).whenAnalysed();
  });

  it('activates on a TypeScript workspace and reports the analysis in the status', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension?.isActive, 'the extension is active');
    const status = (await api()).status();
    assert.equal(status?.state, 'ready', JSON.stringify(status));
    assert.equal(status?.codelets, expected().codelets.length);
    const commands = await vscode.commands.getCommands(true);
    for (const id of ['codelets.showGraph', 'codelets.runCodelet', 'codelets.reanalyze', 'codelets.restartServer', 'codelets.showOutput']) {
      assert.ok(commands.includes(id), `command ${id} is registered`);
    }
  });

  it('shows a lens with the class, estimate and dependencies above every codelet', async () => {
    const all = expected().codelets;
    assert.ok(all.length >= 5, `the example has codelets (${all.length})`);
    for (const file of new Set(all.map((c) => c.file))) {
      const lenses = await eventually(() => codeLenses(workspaceUri(file)), (l) => l.length > 0, `lenses in ${file}`);
      for (const codelet of all.filter((c) => c.file === file)) {
        const title = summaryOf(lenses, codelet.selectionRange.start.line);
        assert.ok(title, `${codelet.id} has a summary lens`);
        assert.ok(title.startsWith(classWords(codelet)), `${codelet.id}: "${title}" starts with its class ${classWords(codelet)}`);
        assert.ok(title.includes(estimateWords(codelet)), `${codelet.id}: "${title}" includes ${estimateWords(codelet)}`);
        const deps = codelet.dependencies.length;
        assert.match(title, deps === 0 ? /no deps/ : new RegExp(`${deps} deps?\\b`));
        const graph = lenses.find((l) => l.range.start.line === codelet.selectionRange.start.line && l.command?.title === 'Show in graph');
        assert.deepEqual(graph?.command?.arguments, [codelet.id]);
      }
    }
    // The example is built so its loaders wait on I/O and its fingerprinting computes.
    const byName = new Map(all.map((c) => [c.name, c]));
    assert.equal(byName.get('loadOrders')?.class, 'io-bound');
    assert.equal(byName.get('fingerprintEvents')?.class, 'cpu-bound');
  });

  it('offers Run on fleet for codelets a worker can call', async () => {
    const entry = expected().codelets.find((c) => c.id === 'src/service.ts#handleReport');
    assert.ok(entry?.invoke, 'the entry codelet is invokable');
    const lenses = await codeLenses(workspaceUri('src/service.ts'));
    const run = lenses.find((l) => l.command?.command === 'codelets.runCodelet');
    assert.deepEqual(run?.command?.arguments, ['src/service.ts#handleReport']);
    assert.equal(run?.command?.title, 'Run on fleet…');
  });

  it('explains a codelet on hover: profile, reasons, dependencies, data dependencies, parallel groups', async () => {
    const entry = expected().codelets.find((c) => c.id === 'src/service.ts#handleReport')!;
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
      'vscode.executeHoverProvider',
      workspaceUri('src/service.ts'),
      new vscode.Position(entry.selectionRange.start.line, entry.selectionRange.start.character + 2),
    );
    const text = hovers
      .flatMap((h) => h.contents)
      .map((c) => (typeof c === 'string' ? c : c.value))
      .join('\n');
    assert.match(text, /\*\*Codelet\*\* `handleReport`/);
    assert.match(text, /Profile: CPU \d+%/);
    for (const dep of entry.dependencies) assert.ok(text.includes(`\`${dep.split('#')[1]}\``), `hover names dependency ${dep}`);
    if (entry.plan.steps.some((s) => s.dependsOn.length)) assert.match(text, /Data dependencies:/);
    if (entry.parallelGroups.some((g) => g.length > 1)) assert.match(text, /Parallel groups:/);
  });

  it('shows the callee class and estimate as inlay hints at call sites', async () => {
    const uri = workspaceUri('src/service.ts');
    const document = await vscode.workspace.openTextDocument(uri);
    const hints = await vscode.commands.executeCommand<vscode.InlayHint[]>(
      'vscode.executeInlayHintProvider',
      uri,
      new vscode.Range(0, 0, document.lineCount, 0),
    );
    const entry = expected().codelets.find((c) => c.id === 'src/service.ts#handleReport')!;
    const byId = new Map(expected().codelets.map((c) => [c.id, c]));
    const labels = hints.map((h) => (typeof h.label === 'string' ? h.label : h.label.map((p) => p.value).join('')));
    for (const dep of new Set(entry.dependencies)) {
      const callee = byId.get(dep)!;
      assert.ok(labels.includes(`${classWords(callee)} · ${estimateWords(callee)}`), `a hint for ${dep}: ${JSON.stringify(labels)}`);
    }
  });

  it('turns inlay hints and lenses off and on with the codelets settings', async () => {
    const uri = workspaceUri('src/service.ts');
    const all = new vscode.Range(0, 0, 1000, 0);
    const hints = () => vscode.commands.executeCommand<vscode.InlayHint[]>('vscode.executeInlayHintProvider', uri, all);
    const config = () => vscode.workspace.getConfiguration('codelets');
    const ours = (lenses: vscode.CodeLens[]) => lenses.filter((l) => l.command?.command === 'codelets.revealInGraph');
    try {
      await config().update('inlayHints.enabled', false, vscode.ConfigurationTarget.Workspace);
      await config().update('lenses.enabled', false, vscode.ConfigurationTarget.Workspace);
      await eventually(hints, (h) => h.length === 0, 'no inlay hints once switched off');
      await eventually(() => codeLenses(uri), (l) => ours(l).length === 0, 'no lenses once switched off');
    } finally {
      await config().update('inlayHints.enabled', undefined, vscode.ConfigurationTarget.Workspace);
      await config().update('lenses.enabled', undefined, vscode.ConfigurationTarget.Workspace);
    }
    await eventually(hints, (h) => h.length > 0, 'inlay hints back on');
    await eventually(() => codeLenses(uri), (l) => ours(l).length > 0, 'lenses back on');
  });

  it('answers the custom graph request for the workspace and for one file', async () => {
    const codelets = await api();
    const { graphs } = await codelets.graph();
    assert.equal(graphs.length, 1);
    assert.deepEqual(graphs[0].codelets.map((c) => c.id).sort(), expected().codelets.map((c) => c.id).sort());
    assert.ok(graphs[0].edges.length > 0, 'the graph has edges');
    const file = await codelets.graph(workspaceUri('src/loaders.ts'));
    assert.ok(file.graphs[0].codelets.length > 0);
    assert.ok(file.graphs[0].codelets.every((c) => c.file === 'src/loaders.ts'));
    const one = await codelets.codelet('src/service.ts#handleReport');
    assert.equal(one?.name, 'handleReport');
  });

  it('updates the lenses after an edit, and again after undoing it', async () => {
    const editor = await openFile('src/util.ts');
    const original = editor.document.getText();
    const before = await codeLenses(editor.document.uri);
    const added = [
      '',
      'export function sumOfSquares(n: number): number {',
      '  let total = 0;',
      '  for (let i = 0; i < n; i++) total += Math.sqrt(i) * Math.sqrt(i);',
      '  return total;',
      '}',
      '',
    ].join('\n');
    const whole = () => new vscode.Range(0, 0, editor.document.lineCount, 0);
    await editor.edit((edit) => edit.insert(new vscode.Position(editor.document.lineCount, 0), added));
    try {
      const line = editor.document.getText().split('\n').findIndex((text) => text.startsWith('export function sumOfSquares'));
      const after = await eventually(
        () => codeLenses(editor.document.uri),
        (lenses) => lenses.some((l) => l.range.start.line === line && l.command?.command === ''),
        'a lens on the function the edit added',
      );
      assert.ok(after.length > before.length);
      const title = summaryOf(after, line)!;
      assert.match(title, /^CPU-bound/, `the added loop is CPU-bound: ${title}`);
    } finally {
      // Undo through the same editor (not a command that acts on whichever editor has focus), then save
      // the unchanged text so the file is clean for the next suites.
      await editor.edit((edit) => edit.replace(whole(), original));
      await editor.document.save();
    }
    await eventually(() => codeLenses(editor.document.uri), (l) => l.length === before.length, 'the lenses after the undo');
  });

  it('re-analyses the workspace and restarts the server on command, lenses intact', async () => {
    const result = await vscode.commands.executeCommand<{ roots: number; codelets: number }>('codelets.reanalyze');
    assert.deepEqual({ roots: result.roots, codelets: result.codelets }, { roots: 1, codelets: expected().codelets.length });
    await vscode.commands.executeCommand('codelets.restartServer');
    const status = await (await api()).whenAnalysed();
    assert.equal(status.codelets, expected().codelets.length);
    const lenses = await eventually(() => codeLenses(workspaceUri('src/service.ts')), (l) => l.length > 0, 'lenses after the restart');
    assert.ok(lenses.some((l) => l.command?.title === 'Show in graph'));
  });

  it('draws the lenses in the editor (screenshot for the README)', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await openFile('src/service.ts');
    await screenshot({ name: 'lenses', waitFor: '.contentWidgets .codelens-decoration a, .codelens-decoration', minCount: 3 });
  });
});
