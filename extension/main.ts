// Extension entry (dist/extension.js). Activation is cheap: an output channel, a status item and the
// commands. The language server starts when the first TypeScript/JavaScript document is open (or a
// command needs it).
import * as vscode from 'vscode';
import { CodeletRequest, GraphRequest, type GraphResult, type StatusParams } from '../server/lsp/protocol';
import type { Codelet } from '../server/analysis/metadata';
import { registerAgentFeatures } from './agent/index';
import { startLiveFigures } from './agent/live';
import { registerCommands } from './commands';
import type { GraphView } from './graph/index';
import { startGraphView } from './graph-bridge';
import { ServerConnection } from './language-client';
import { isAnalysedDocument } from './settings';
import { StatusItem } from './status';

/** What `activate` returns: used by the end-to-end tests and by other extensions. */
export interface CodeletsApi {
  graphView: GraphView;
  graph(uri?: vscode.Uri): Promise<GraphResult>;
  codelet(id: string): Promise<Codelet | null>;
  status(): StatusParams | undefined;
  /** Resolves when the server reports the workspace analysed (state ready or error). */
  whenAnalysed(): Promise<StatusParams>;
}

export function activate(context: vscode.ExtensionContext): CodeletsApi {
  const output = vscode.window.createOutputChannel('Codelets', { log: true });
  const status = new StatusItem();
  const server = new ServerConnection(context, output);
  context.subscriptions.push(output, status, server);

  let lastStatus: StatusParams | undefined;
  const analysed: ((s: StatusParams) => void)[] = [];
  context.subscriptions.push(
    server.onDidChangeStatus((s) => {
      lastStatus = s;
      status.show(s);
      if (s.state === 'ready' || s.state === 'error') analysed.splice(0).forEach((resolve) => resolve(s));
    }),
  );

  const graphView = startGraphView(context, server);
  const agent = registerAgentFeatures(context, { output });
  registerCommands(context, { server, output, graphView, runner: (id, args) => agent.runner(id, args), explainPlacement: (id) => agent.explainPlacement(id) });
  startLiveFigures(context, { agent, server, graphView, output });

  const startIfNeeded = (document: vscode.TextDocument) => {
    if (!server.running && isAnalysedDocument(document)) {
      server.get().catch((error) => output.appendLine(`the language server did not start: ${error}`));
    }
  };
  vscode.workspace.textDocuments.forEach(startIfNeeded);
  // Lenses were resolved with "needs a trusted workspace"; a restart makes the editor fetch them again.
  context.subscriptions.push(
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      if (server.running) void server.restart();
    }),
  );
  context.subscriptions.push(vscode.workspace.onDidOpenTextDocument(startIfNeeded));

  return {
    graphView,
    graph: async (uri) => (await server.get()).sendRequest(GraphRequest, uri ? { uri: uri.toString() } : {}),
    codelet: async (id) => (await server.get()).sendRequest(CodeletRequest, { id }),
    status: () => lastStatus,
    whenAnalysed: async () => {
      await server.get();
      if (lastStatus && (lastStatus.state === 'ready' || lastStatus.state === 'error')) return lastStatus;
      return new Promise((resolve) => analysed.push(resolve));
    },
  };
}

export function deactivate(): void {
  // Disposables in context.subscriptions stop the server.
}
