// The graph view (extension/graph + webview) fed by the language server.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { api, expected, openFile, screenshot } from './support';

describe('Codelet graph', () => {
  it('opens with codelets.showGraph and draws every codelet of the workspace', async () => {
    await openFile('src/service.ts');
    const codelets = await api();
    await codelets.whenAnalysed();
    const rendered = codelets.graphView.whenRendered();
    await vscode.commands.executeCommand('codelets.showGraph');
    const { nodes } = await rendered;
    assert.equal(nodes, expected().codelets.length);
  });

  it('reveals a codelet from its lens action, in the editor-sized panel (screenshot for the README)', async () => {
    const codelets = await api();
    await vscode.commands.executeCommand('codelets.revealInGraph', 'src/service.ts#handleReport');
    await vscode.commands.executeCommand('codelets.openGraphPanel');
    // The panel alone, full width, for the picture.
    await vscode.commands.executeCommand('workbench.action.closeSidebar');
    await vscode.commands.executeCommand('workbench.action.closeEditorsInOtherGroups');
    await vscode.commands.executeCommand('workbench.action.joinAllGroups');
    const { nodes } = await codelets.graphView.whenRendered();
    assert.equal(nodes, expected().codelets.length);
    await new Promise((resolve) => setTimeout(resolve, 1000)); // let the panel settle at its final size
    // The reveal centred handleReport; the picture wants the whole graph.
    codelets.graphView.fit();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await screenshot({ name: 'graph' });
  });
});
