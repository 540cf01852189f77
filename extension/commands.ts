// The extension's own commands (the graph view registers `codelets.showGraph` itself).
import * as vscode from 'vscode';
import { CodeletRequest, COMMANDS, GraphRequest, ReanalyzeRequest } from '../server/lsp/protocol';
import type { GraphView } from './graph/index';
import type { ServerConnection } from './language-client';
import { mayExecute } from './trust';

/** Runs a codelet on a fleet (asking for its arguments unless given); supplied by extension/agent. */
export type CodeletRunner = (codeletId: string, args?: unknown[]) => Promise<unknown>;

export interface CommandDeps {
  server: ServerConnection;
  output: vscode.LogOutputChannel;
  graphView: GraphView;
  runner?: CodeletRunner;
  /** Shows a codelet's latest placements, explained; supplied by extension/agent. */
  explainPlacement?: (codeletId: string) => Promise<unknown>;
}

/** The codelet under the cursor in the active editor, else one the user picks from that file. */
async function pickCodelet(deps: CommandDeps, placeHolder = 'Codelet to run on a fleet'): Promise<string | undefined> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) return undefined;
  const client = await deps.server.get();
  const { graphs } = await client.sendRequest(GraphRequest, { uri: editor.document.uri.toString() });
  const codelets = graphs.flatMap((g) => g.codelets).filter((c) => c.invoke);
  const line = editor.selection.active.line;
  const here = codelets.find((c) => c.range.start.line <= line && line <= c.range.end.line);
  if (here) return here.id;
  const picked = await vscode.window.showQuickPick(
    codelets.map((c) => ({ label: c.name, description: c.class, id: c.id })),
    { placeHolder },
  );
  return picked?.id;
}

export function registerCommands(context: vscode.ExtensionContext, deps: CommandDeps): void {
  const { server, output, graphView } = deps;
  const register = (id: string, handler: (...args: any[]) => unknown) =>
    context.subscriptions.push(vscode.commands.registerCommand(id, handler));

  register(COMMANDS.revealInGraph, async (id?: unknown) => {
    await graphView.show();
    if (typeof id === 'string') await graphView.reveal(id);
  });

  register(COMMANDS.runCodelet, async (id?: unknown, args?: unknown) => {
    // Guard here as well as in the `when` clauses: commands can be invoked from anywhere.
    if (!mayExecute()) return { refused: 'untrusted workspace' };
    const codeletId = typeof id === 'string' ? id : await pickCodelet(deps);
    if (!codeletId) return undefined;
    const codelet = await (await server.get()).sendRequest(CodeletRequest, { id: codeletId });
    if (!codelet?.invoke) {
      void vscode.window.showErrorMessage(`Codelets: ${codeletId} cannot run on its own (it is not exported, or needs \`this\`).`);
      return undefined;
    }
    if (!deps.runner) {
      void vscode.window.showErrorMessage('Codelets: running on fleets needs the Codelets agent, which this build does not connect to.');
      return undefined;
    }
    return deps.runner(codeletId, Array.isArray(args) ? args : undefined);
  });

  register(COMMANDS.explainPlacement, async (id?: unknown) => {
    const codeletId = typeof id === 'string' ? id : await pickCodelet(deps, 'Codelet whose placements to explain');
    if (!codeletId) return undefined;
    if (!deps.explainPlacement) {
      void vscode.window.showErrorMessage('Codelets: placements come from the Codelets agent, which this build does not connect to.');
      return undefined;
    }
    return deps.explainPlacement(codeletId);
  });

  register('codelets.reanalyze', async () => {
    const client = await server.get();
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: 'Codelets: re-analysing' },
      () => client.sendRequest(ReanalyzeRequest, {}),
    );
    output.appendLine(`re-analysed ${result.roots} folder(s): ${result.codelets} codelets in ${result.ms} ms`);
    return result;
  });

  register('codelets.restartServer', async () => {
    output.appendLine('restarting the language server');
    await server.restart();
  });

  register('codelets.showOutput', () => output.show(true));
}
