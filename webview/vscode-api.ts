// The page's side of the channel: acquireVsCodeApi() exactly once, typed and validated messages.
import { FromWebview, ToWebview, describeIssue } from './protocol';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

export class Host {
  private readonly api = acquireVsCodeApi();

  post(message: FromWebview): void {
    this.api.postMessage(FromWebview.parse(message));
  }

  getState(): unknown {
    return this.api.getState();
  }

  setState(state: unknown): void {
    this.api.setState(state);
  }

  /** Calls `handler` with each valid message from the extension; reports invalid ones back. */
  listen(handler: (message: ToWebview) => void): void {
    window.addEventListener('message', (event: MessageEvent) => {
      const parsed = ToWebview.safeParse(event.data);
      if (parsed.success) handler(parsed.data);
      else this.post({ type: 'error', message: `webview ignored a message: ${describeIssue(parsed.error)}` });
    });
  }
}
