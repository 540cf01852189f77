// `Run on fleet…` in a trusted workspace: the lens command starts the local agent and runs the example's
// entry codelet on its fleets (the same command an untrusted workspace refuses).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { RunResponse } from '../../../agent/protocol';
import { api, codeLenses, eventually, expected, openFile, workspaceUri } from './support';

describe('Run on fleet', () => {
  it('runs the entry codelet through the agent and returns its report', async () => {
    await openFile('src/service.ts');
    await (await api()).whenAnalysed();
    // Arguments are given, so no input box: `data` is relative to the workspace root the agent runs in.
    const response = await vscode.commands.executeCommand<RunResponse | undefined>('codelets.runCodelet', 'src/service.ts#handleReport', ['data']);
    assert.ok(response, 'the command returned the run');
    assert.equal(response.ok, true, JSON.stringify(response.error));
    assert.equal(response.entry, 'src/service.ts#handleReport');
    assert.ok(response.invocations.length > 1, 'the plan ran as several invocations');
    const report = response.result as Record<string, unknown>;
    assert.ok(report && typeof report === 'object' && 'summary' in report, JSON.stringify(report).slice(0, 300));
  });

  it('shows the figures measured by that run in the lenses of its steps', async () => {
    // The run above started the agent; the extension listens to it and forwards `measured` to the server.
    const loadOrders = expected().codelets.find((c) => c.id === 'src/loaders.ts#loadOrders');
    assert.ok(loadOrders, 'the example has loadOrders');
    const line = loadOrders.selectionRange.start.line;
    const summaries = async () =>
      (await codeLenses(workspaceUri(loadOrders.file))).filter((l) => l.range.start.line === line && l.command?.command === '').map((l) => l.command!.title);
    const measured = (t: string) => / · p50 [^·]+ measured · /.test(t);
    const title = (await eventually(summaries, (titles) => titles.some(measured), `a measured lens on ${loadOrders.id}`, 30_000)).find(measured)!;
    assert.match(title, /^I\/O-bound · p50 (<1|[\d.]+) m?s measured · /);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', workspaceUri(loadOrders.file),
      new vscode.Position(line, loadOrders.selectionRange.start.character + 1));
    const text = hovers.flatMap((h) => h.contents).map((c) => (typeof c === 'string' ? c : c.value)).join('\n');
    assert.match(text, /Measured over \d+ runs?: p50 /);
  });

  it('explains where a step ran and why, from its lens', async () => {
    const loadOrders = expected().codelets.find((c) => c.id === 'src/loaders.ts#loadOrders')!;
    const line = loadOrders.selectionRange.start.line;
    const why = await eventually(
      async () => (await codeLenses(workspaceUri(loadOrders.file))).find((l) => l.range.start.line === line && l.command?.command === 'codelets.explainPlacement'),
      (lens) => lens !== undefined,
      'a "Why this fleet?" lens on loadOrders once it has run',
      30_000,
    );
    assert.equal(why!.command!.title, 'Why this fleet?');
    const shown = await vscode.commands.executeCommand<{ text: string } | { refused: string }>(why!.command!.command, ...(why!.command!.arguments ?? []));
    assert.ok(shown && 'text' in shown, JSON.stringify(shown));
    assert.match(shown.text, /^Placements of src\/loaders\.ts#loadOrders\nPolicy: learned\n/);
    assert.match(shown.text, /candidates \(weighted; lower score is better\):/);
    const doc = await eventually(
      async () => vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'codelets-placement'),
      (d) => d !== undefined,
      'the placements document open in the editor',
    );
    assert.equal(doc!.getText(), shown.text, 'the editor shows the same text, as plain text');
  });
});
