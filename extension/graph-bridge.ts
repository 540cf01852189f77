// Connects the language client to the graph view (extension/graph, the webview's side): a GraphSource
// that fetches every root's graph with `codelets/graph` and re-fetches when the server says it changed.
import * as vscode from 'vscode';
import { GraphRequest } from '../server/lsp/protocol';
import { registerGraphView, type GraphSource, type GraphView } from './graph/index';
import type { ServerConnection } from './language-client';

export function graphSource(server: ServerConnection): GraphSource {
  return {
    getGraphs: async () => (await (await server.get()).sendRequest(GraphRequest, {})).graphs,
    onDidChangeGraph: server.onDidChangeGraph,
  };
}

export function startGraphView(context: vscode.ExtensionContext, server: ServerConnection): GraphView {
  return registerGraphView(context, graphSource(server));
}
