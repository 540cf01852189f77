// The status bar item: what the analyser is doing; a click opens the graph.
import * as vscode from 'vscode';
import type { StatusParams } from '../server/lsp/protocol';

export class StatusItem implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('codelets.status', vscode.StatusBarAlignment.Left, 50);

  constructor() {
    this.item.name = 'Codelets';
    this.item.command = 'codelets.showGraph';
    this.show({ state: 'starting', message: 'waiting for a TypeScript or JavaScript file', codelets: 0, roots: 0 });
  }

  show(status: StatusParams): void {
    const icon = { starting: '$(circle-outline)', analyzing: '$(sync~spin)', ready: '$(symbol-function)', error: '$(warning)' }[status.state];
    this.item.text = status.state === 'ready' ? `${icon} ${status.codelets} codelets` : `${icon} Codelets`;
    this.item.tooltip = `Codelets: ${status.message}${status.state === 'ready' ? ` in ${status.roots} folder(s)` : ''} — click to show the graph`;
    this.item.backgroundColor = status.state === 'error' ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
