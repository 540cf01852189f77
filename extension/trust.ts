// Workspace trust: analysis runs everywhere (it executes nothing), but running a codelet executes the
// workspace's code, so in an untrusted workspace it is refused with an explanation.
import * as vscode from 'vscode';
import type { Middleware } from 'vscode-languageclient/node';
import { COMMANDS } from '../server/lsp/protocol';

export const UNTRUSTED_EXPLANATION =
  'Codelets: running a codelet executes code from this workspace, and the workspace is not trusted. ' +
  'Analysis, lenses and the graph keep working; trust the workspace (Workspaces: Manage Workspace Trust) to run codelets on fleets.';

/** True when user code may run; otherwise shows why not. */
export function mayExecute(): boolean {
  if (vscode.workspace.isTrusted) return true;
  void vscode.window.showWarningMessage(UNTRUSTED_EXPLANATION, 'Manage Workspace Trust').then((choice) => {
    if (choice) void vscode.commands.executeCommand('workbench.trust.manage');
  });
  return false;
}

/** In an untrusted workspace the `Run on fleet…` lens says it is off and why. */
export const lensMiddleware: Middleware = {
  resolveCodeLens: async (lens, token, next) => {
    const resolved = (await next(lens, token)) ?? lens;
    if (!vscode.workspace.isTrusted && resolved.command?.command === COMMANDS.runCodelet) {
      resolved.command = { ...resolved.command, title: 'Run on fleet (needs a trusted workspace)', tooltip: UNTRUSTED_EXPLANATION };
    }
    return resolved;
  },
};
