// Wires the agents' live figures into the editor: one LiveFigures per workspace folder (trusted
// workspaces only, like everything about the agent), forwarding to the language server
// (`codelets/measured`, sent again when the server restarts) and to the graph view (`pushLive`).
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { CodeletRequest, MeasuredNotification } from '../../server/lsp/protocol';
import type { GraphView } from '../graph/index';
import type { ServerConnection } from '../language-client';
import type { AgentFeatures } from './index';
import { LiveFigures } from './live-figures';

export interface LiveDeps {
  agent: AgentFeatures;
  server: ServerConnection;
  graphView: GraphView;
  output: vscode.LogOutputChannel;
}

export function startLiveFigures(context: vscode.ExtensionContext, deps: LiveDeps): void {
  const { agent, server, graphView, output } = deps;
  const feeds = new Map<string, LiveFigures>();
  /** The language client the figures last went to; a different one means the server restarted. */
  let fedClient: LanguageClient | undefined;

  const rootIndex = (folder: string) => Math.max(0, (vscode.workspace.workspaceFolders ?? []).findIndex((f) => f.uri.fsPath === folder));

  const feed = (folder: string): void => {
    if (feeds.has(folder)) return;
    const live = new LiveFigures({
      folder,
      supervisor: agent.supervisor(folder),
      rootIndex: () => rootIndex(folder),
      sinks: {
        measured: async (root, figures) => {
          // Figures wait for the server rather than start it; it gets them again once it runs.
          if (!server.running) return;
          const client = await server.get();
          fedClient = client;
          await client.sendNotification(MeasuredNotification, { root, measured: figures });
        },
        live: (update) => graphView.pushLive(update),
        plan: async (entry) => {
          if (!server.running) return undefined;
          const codelet = await (await server.get()).sendRequest(CodeletRequest, { id: entry, root: folder });
          return codelet?.plan;
        },
        log: (line) => output.appendLine(`[agent] ${line}`),
      },
    });
    feeds.set(folder, live);
    void live.start();
  };
  const unfeed = (folder: string): void => {
    feeds.get(folder)?.dispose();
    feeds.delete(folder);
  };
  const feedAll = () => {
    if (!vscode.workspace.isTrusted) return;
    for (const f of vscode.workspace.workspaceFolders ?? []) feed(f.uri.fsPath);
  };

  feedAll();
  context.subscriptions.push(
    vscode.workspace.onDidGrantWorkspaceTrust(feedAll),
    vscode.workspace.onDidChangeWorkspaceFolders((e) => {
      for (const f of e.removed) unfeed(f.uri.fsPath);
      feedAll();
    }),
    // Fires when the server (re)starts, among other times: a new server has no figures yet.
    server.onDidChangeGraph(async () => {
      if (!server.running) return;
      const client = await server.get();
      if (client === fedClient) return;
      fedClient = client;
      for (const live of feeds.values()) await live.resend();
    }),
    { dispose: () => [...feeds.keys()].forEach(unfeed) },
  );
}
