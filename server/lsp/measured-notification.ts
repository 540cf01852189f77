// `codelets/measured`: the agent's figures arrive (through the extension), are validated here where they
// enter the server, replace the root's snapshot, and the client is asked to show them: diagnostics of the
// files whose codelets changed are republished, lenses and inlay hints refreshed. Nothing is re-analysed.
import path from 'node:path';
import { CodeLensRefreshRequest, type ClientCapabilities } from 'vscode-languageserver';
import { MeasuredNotification, MeasuredParams } from './protocol';
import type { RootAnalysis } from './root-analysis';
import type { ServerState } from './server';

export interface MeasuredWiring {
  capabilities(): ClientCapabilities;
  /** Republishes the diagnostics of these workspace-relative files of a root. */
  publish(root: RootAnalysis, files: string[]): void;
  log(line: string): void;
}

export function registerMeasuredNotification(state: ServerState, wiring: MeasuredWiring): void {
  const { connection, workspace } = state;
  connection.onNotification(MeasuredNotification.method, (raw: unknown) => {
    const parsed = MeasuredParams.safeParse(raw);
    if (!parsed.success) {
      // A notification has no reply: the error goes to the client's log, and nothing held changes.
      const issues = parsed.error.issues.map((i) => `${i.path.join('.') || 'params'}: ${i.message}`).join('; ');
      connection.console.error(`${MeasuredNotification.method}: ignored invalid params: ${issues}`);
      return;
    }
    const { root: folder, measured } = parsed.data;
    const root = workspace.all().find((r) => r.root === path.resolve(folder));
    if (!root) {
      connection.console.error(`${MeasuredNotification.method}: ignored figures for ${folder}, which is not a workspace folder`);
      return;
    }
    const changed = state.measured.replace(root.root, measured);
    wiring.log(`measured figures for ${root.root}: ${Object.keys(measured).length} codelets, ${changed.length} changed`);
    if (!changed.length) return;
    const files = [...new Set(changed.map((id) => root.codelet(id)?.file ?? id.slice(0, id.lastIndexOf('#'))))];
    if (root.ready) wiring.publish(root, files);
    const capabilities = wiring.capabilities();
    if (capabilities.workspace?.codeLens?.refreshSupport) void connection.sendRequest(CodeLensRefreshRequest.type);
    if (capabilities.workspace?.inlayHint?.refreshSupport) void connection.languages.inlayHint.refresh();
  });
}
