// The graph view's public face for the rest of the extension (see helpers/API.md, "Graph view"):
// extension/main.ts calls registerGraphView with a GraphSource built on the language client.
import type * as vscode from 'vscode';
import type { AnalysisResult } from '../../server/analysis/metadata';
import type { LiveRequest, LiveStat } from '../../webview/protocol';
import { GraphController } from './controller';

export type { LiveRequest, LiveStat } from '../../webview/protocol';

export interface GraphSource {
  /** One per workspace root (multi-root). */
  getGraphs(): Promise<AnalysisResult[]>;
  /** Re-fetch when it fires. */
  onDidChangeGraph: vscode.Event<void>;
}

export interface GraphView extends vscode.Disposable {
  /** Command `codelets.showGraph`: opens the activity-bar view. */
  show(): Promise<void>;
  /** Resolves when a page reports it drew the current graph (for e2e tests). */
  whenRendered(): Promise<{ nodes: number }>;
  /** Focus a node (the lens action "Show in graph"). */
  reveal(codeletId: string): Promise<void>;
  /**
   * Live figures from the agent: per-codelet stats (merged, latest wins) and requests in flight (a
   * request with `done: true` is removed). `root` is the workspace root index, 0 with one root.
   */
  pushLive(update: { stats?: LiveStat[]; requests?: LiveRequest[] }): void;
  /** Fits the graph to the view in every visible page (the page's Fit button). */
  fit(): void;
}

export { GRAPH_VIEW_ID, GRAPH_PANEL_TYPE, SHOW_GRAPH_COMMAND, OPEN_GRAPH_PANEL_COMMAND } from './ids';

export function registerGraphView(context: vscode.ExtensionContext, source: GraphSource): GraphView {
  const controller = new GraphController(context, source);
  context.subscriptions.push(controller);
  return controller;
}
