// An untrusted workspace: analysis still runs (it executes nothing), running codelets does not.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { api, codeLenses, eventually, openFile, workspaceUri } from './support';

describe('Untrusted workspace', () => {
  it('is untrusted', () => {
    assert.equal(vscode.workspace.isTrusted, false);
  });

  it('still analyses: lenses appear', async () => {
    await openFile('src/service.ts');
    await (await api()).whenAnalysed();
    const lenses = await eventually(() => codeLenses(workspaceUri('src/service.ts')), (l) => l.length > 0, 'lenses');
    assert.ok(lenses.some((l) => l.command?.title === 'Show in graph'));
  });

  it('disables running codelets, and says why', async () => {
    const lenses = await codeLenses(workspaceUri('src/service.ts'));
    const run = lenses.find((l) => l.command?.command === 'codelets.runCodelet');
    assert.equal(run?.command?.title, 'Run on fleet (needs a trusted workspace)');
    assert.match(String(run?.command?.tooltip), /not trusted/);
    const result = await vscode.commands.executeCommand('codelets.runCodelet', 'src/service.ts#handleReport');
    assert.deepEqual(result, { refused: 'untrusted workspace' });
  });
});
