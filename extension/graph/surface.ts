// One place the graph page lives: the activity-bar view or an editor panel. Sets the page up under the
// strict CSP and validates every message it posts back.
import * as vscode from 'vscode';
import { FromWebview, describeIssue, type ToWebview } from '../../webview/protocol';
import { graphPageHtml } from './html';

export interface SurfaceEvents {
  message(surface: GraphSurface, message: FromWebview): void;
  invalid(surface: GraphSurface, problem: string): void;
  visible(surface: GraphSurface): void;
  disposed(surface: GraphSurface): void;
}

export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview')] };
}

export class GraphSurface implements vscode.Disposable {
  /** The page said `ready` since it last loaded: messages will be heard. */
  ready = false;
  /** The graph revision this page has been sent. */
  sentRevision = -1;
  /** The last "Show in graph" request this page has been sent. */
  sentFocus = -1;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    readonly kind: 'view' | 'panel',
    private readonly webview: vscode.Webview,
    private readonly isVisible: () => boolean,
    onVisibility: vscode.Event<unknown>,
    onDispose: vscode.Event<void>,
    extensionUri: vscode.Uri,
    events: SurfaceEvents,
    readonly column: () => vscode.ViewColumn | undefined = () => undefined,
  ) {
    webview.options = webviewOptions(extensionUri);
    const asset = (name: string) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', name)).toString();
    webview.html = graphPageHtml({ cspSource: webview.cspSource, scriptUri: asset('graph.js'), styleUri: asset('graph.css') });
    this.subscriptions.push(
      webview.onDidReceiveMessage((raw: unknown) => {
        const parsed = FromWebview.safeParse(raw);
        if (!parsed.success) return events.invalid(this, describeIssue(parsed.error));
        if (parsed.data.type === 'ready') {
          this.ready = true;
          this.sentRevision = -1;
        }
        events.message(this, parsed.data);
      }),
      onVisibility(() => {
        if (this.isVisible()) events.visible(this);
      }),
      onDispose(() => {
        this.dispose();
        events.disposed(this);
      }),
    );
  }

  get visible(): boolean {
    return this.isVisible();
  }

  /** Posts only to a loaded, visible page; a hidden one gets everything replayed when it shows. */
  post(message: ToWebview): boolean {
    if (!this.ready || !this.isVisible()) return false;
    void this.webview.postMessage(message);
    return true;
  }

  dispose(): void {
    for (const s of this.subscriptions.splice(0)) s.dispose();
  }
}
