// Keeps the graph pages (the activity-bar view and any editor panels) in step with the analysis: fetches
// the graphs when a page needs them, sends them to visible pages only (hidden ones get everything replayed
// when they show again; nothing polls), follows the editor cursor, and opens sources the page asks for.
import * as vscode from 'vscode';
import type { AnalysisResult } from '../../server/analysis/metadata';
import type { FromWebview, GraphModel, LiveRequest, LiveStat, NodeRef } from '../../webview/protocol';
import { GRAPH_PANEL_TYPE, GRAPH_VIEW_ID, OPEN_GRAPH_PANEL_COMMAND, SHOW_GRAPH_COMMAND } from './ids';
import type { GraphSource, GraphView } from './index';
import { codeletAt, findCodelet, refForId, toGraphModel } from './model';
import { GraphSurface, webviewOptions, type SurfaceEvents } from './surface';

/** How long a "Show in graph" waits for a page that is still loading. */
const FOCUS_REQUEST_TTL_MS = 15_000;

export class GraphController implements GraphView, vscode.WebviewViewProvider, vscode.WebviewPanelSerializer {
  private results: AnalysisResult[] = [];
  private model: GraphModel | null = null;
  private revision = 0;
  private stale = true;
  private fetching: Promise<void> | null = null;
  private rendered: { revision: number; nodes: number } | null = null;
  private renderWaiters: ((r: { nodes: number }) => void)[] = [];
  private focusRequest: { seq: number; ref: NodeRef; at: number } | null = null;
  private fitRequest: { seq: number; at: number } | null = null;
  private readonly fitSent = new WeakMap<GraphSurface, number>();
  private cursor: NodeRef | null = null;
  private readonly stats = new Map<string, LiveStat>();
  private readonly requests = new Map<string, LiveRequest>();
  private readonly surfaces = new Set<GraphSurface>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly log: vscode.LogOutputChannel;
  private cursorTimer: ReturnType<typeof setTimeout> | undefined;
  private panel: vscode.WebviewPanel | undefined;
  private readonly events: SurfaceEvents = {
    message: (s, m) => this.onMessage(s, m),
    invalid: (_s, problem) => this.log.warn(`graph page sent an invalid message: ${problem}`),
    visible: (s) => void this.replay(s),
    disposed: (s) => this.surfaces.delete(s),
  };

  constructor(private readonly context: vscode.ExtensionContext, private readonly source: GraphSource) {
    this.log = vscode.window.createOutputChannel('Codelets Graph', { log: true });
    this.disposables.push(
      this.log,
      vscode.window.registerWebviewViewProvider(GRAPH_VIEW_ID, this),
      vscode.window.registerWebviewPanelSerializer(GRAPH_PANEL_TYPE, this),
      vscode.commands.registerCommand(SHOW_GRAPH_COMMAND, () => this.show()),
      vscode.commands.registerCommand(OPEN_GRAPH_PANEL_COMMAND, () => this.openPanel()),
      source.onDidChangeGraph(() => this.onGraphChanged()),
      vscode.window.onDidChangeTextEditorSelection((e) => this.followCursor(e.textEditor)),
      vscode.window.onDidChangeActiveTextEditor((e) => e && this.followCursor(e)),
    );
  }

  // ── GraphView ───────────────────────────────────────────────────────────────────────────────────

  async show(): Promise<void> {
    await vscode.commands.executeCommand(`${GRAPH_VIEW_ID}.focus`);
  }

  whenRendered(): Promise<{ nodes: number }> {
    if (!this.stale && this.rendered && this.rendered.revision === this.revision) return Promise.resolve({ nodes: this.rendered.nodes });
    return new Promise((resolve) => this.renderWaiters.push(resolve));
  }

  async reveal(codeletId: string): Promise<void> {
    // Where the user is looking: the editor panel if it is open and visible, else the side view.
    if (this.panel?.visible) this.panel.reveal(undefined, true);
    else await this.show();
    await this.ensureGraph();
    const ref = refForId(this.results, codeletId);
    if (!ref) throw new Error(`no codelet ${codeletId} in the graph`);
    // Sent with the replay, after the graph if a page still lacks it, to every visible page; a page
    // still loading gets it when it says `ready` (if that is soon: an old request must not move it).
    this.focusRequest = { seq: (this.focusRequest?.seq ?? 0) + 1, ref, at: Date.now() };
    for (const s of this.surfaces) await this.replay(s);
  }

  pushLive(update: { stats?: LiveStat[]; requests?: LiveRequest[] }): void {
    const stats = update.stats ?? [];
    const requests = update.requests ?? [];
    for (const s of stats) this.stats.set(`${s.root}|${s.id}`, s);
    for (const r of requests) {
      if (r.done) this.requests.delete(r.requestId);
      else this.requests.set(r.requestId, r);
    }
    for (const s of this.surfaces) s.post({ type: 'live', stats, requests });
  }

  fit(): void {
    // Like a focus request: pages still loading get it with their replay (after the focus, so it wins).
    this.fitRequest = { seq: (this.fitRequest?.seq ?? 0) + 1, at: Date.now() };
    for (const s of this.surfaces) void this.replay(s);
  }

  dispose(): void {
    clearTimeout(this.cursorTimer);
    for (const s of this.surfaces) s.dispose();
    this.surfaces.clear();
    for (const d of this.disposables.splice(0)) d.dispose();
  }

  // ── hosting pages ───────────────────────────────────────────────────────────────────────────────

  resolveWebviewView(view: vscode.WebviewView): void {
    const surface = new GraphSurface('view', view.webview, () => view.visible, view.onDidChangeVisibility, view.onDidDispose, this.context.extensionUri, this.events);
    this.surfaces.add(surface);
  }

  async deserializeWebviewPanel(panel: vscode.WebviewPanel, _state: unknown): Promise<void> {
    // The page restores its own view state (getState); we only reattach it.
    this.adoptPanel(panel);
  }

  /** One editor panel: asking again brings the existing one forward. */
  private openPanel(): void {
    if (this.panel) return this.panel.reveal();
    const panel = vscode.window.createWebviewPanel(GRAPH_PANEL_TYPE, 'Codelet Graph', vscode.ViewColumn.Beside, webviewOptions(this.context.extensionUri));
    this.adoptPanel(panel);
  }

  private adoptPanel(panel: vscode.WebviewPanel): void {
    this.panel = panel;
    panel.onDidDispose(() => {
      if (this.panel === panel) this.panel = undefined;
    });
    panel.iconPath = vscode.Uri.joinPath(this.context.extensionUri, 'dist', 'webview', 'codelets.svg');
    const surface = new GraphSurface('panel', panel.webview, () => panel.visible, panel.onDidChangeViewState, panel.onDidDispose, this.context.extensionUri, this.events, () => panel.viewColumn);
    this.surfaces.add(surface);
  }

  // ── data flow ───────────────────────────────────────────────────────────────────────────────────

  private onGraphChanged(): void {
    this.stale = true;
    // Fetch now only if someone is looking; otherwise when a page becomes visible.
    if ([...this.surfaces].some((s) => s.visible && s.ready)) void this.broadcast();
  }

  private ensureGraph(): Promise<void> {
    if (!this.stale) return Promise.resolve();
    this.fetching ??= (async () => {
      try {
        this.stale = false;
        this.results = await this.source.getGraphs();
        this.model = toGraphModel(this.results);
        this.revision++;
      } catch (error) {
        this.stale = true;
        this.log.error(`could not get the codelet graph: ${error instanceof Error ? error.message : String(error)}`);
      } finally {
        this.fetching = null;
      }
    })();
    return this.fetching;
  }

  private async broadcast(): Promise<void> {
    await this.ensureGraph();
    for (const s of this.surfaces) await this.replay(s);
  }

  /** Brings one visible page up to date: graph (if newer), cursor, live figures, a pending focus. */
  private async replay(surface: GraphSurface): Promise<void> {
    if (!surface.ready || !surface.visible) return;
    await this.ensureGraph();
    if (this.model && surface.sentRevision !== this.revision) {
      if (surface.post({ type: 'graph', revision: this.revision, graph: this.model })) surface.sentRevision = this.revision;
    }
    surface.post({ type: 'cursor', node: this.cursor });
    if (this.stats.size || this.requests.size) surface.post({ type: 'live', stats: [...this.stats.values()], requests: [...this.requests.values()] });
    const focus = this.focusRequest;
    if (focus && surface.sentFocus !== focus.seq && Date.now() - focus.at < FOCUS_REQUEST_TTL_MS) {
      if (surface.post({ type: 'focus', node: focus.ref })) surface.sentFocus = focus.seq;
    }
    const fit = this.fitRequest;
    if (fit && this.fitSent.get(surface) !== fit.seq && Date.now() - fit.at < FOCUS_REQUEST_TTL_MS) {
      if (surface.post({ type: 'fit' })) this.fitSent.set(surface, fit.seq);
    }
  }

  private onMessage(surface: GraphSurface, message: FromWebview): void {
    switch (message.type) {
      case 'ready':
        void this.replay(surface);
        break;
      case 'rendered':
        if (message.revision !== this.revision) break;
        this.rendered = { revision: message.revision, nodes: message.nodes };
        for (const resolve of this.renderWaiters.splice(0)) resolve({ nodes: message.nodes });
        break;
      case 'reveal':
        void this.openSource(surface, message.node);
        break;
      case 'error':
        this.log.warn(message.message);
        break;
    }
  }

  private async openSource(surface: GraphSurface, ref: NodeRef): Promise<void> {
    const found = findCodelet(this.results, ref);
    if (!found) return void this.log.warn(`graph asked to open ${ref.id}, which is no longer in the analysis`);
    const uri = vscode.Uri.joinPath(vscode.Uri.file(found.root), ...found.codelet.file.split('/'));
    const r = found.codelet.selectionRange;
    const selection = new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
    // From an editor panel, open the source in another column so the graph stays in view.
    const column = surface.kind === 'panel' ? (surface.column() === vscode.ViewColumn.One ? vscode.ViewColumn.Two : vscode.ViewColumn.One) : undefined;
    try {
      await vscode.window.showTextDocument(uri, { selection, viewColumn: column, preview: true });
    } catch (error) {
      this.log.error(`could not open ${uri.fsPath}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private followCursor(editor: vscode.TextEditor): void {
    clearTimeout(this.cursorTimer);
    this.cursorTimer = setTimeout(() => {
      if (editor.document.uri.scheme !== 'file' || this.results.length === 0) return;
      const p = editor.selection.active;
      const ref = codeletAt(this.results, editor.document.uri.fsPath, { line: p.line, character: p.character });
      if (ref?.root === this.cursor?.root && ref?.id === this.cursor?.id) return;
      this.cursor = ref;
      for (const s of this.surfaces) s.post({ type: 'cursor', node: ref });
    }, 80);
  }
}
