// The `codelets.*` settings, read once per use (they can change at any time).
import * as vscode from 'vscode';
import type { ServerSettings } from '../server/lsp/protocol';

export function serverSettings(): ServerSettings {
  const config = vscode.workspace.getConfiguration('codelets');
  return {
    lenses: { enabled: config.get<boolean>('lenses.enabled', true) },
    inlayHints: { enabled: config.get<boolean>('inlayHints.enabled', true) },
    analysis: {
      include: config.get<string[]>('analysis.include', []),
      exclude: config.get<string[]>('analysis.exclude', []),
    },
  };
}

/** Languages the server analyses; also the client's document selector. */
export const LANGUAGES = ['typescript', 'typescriptreact', 'javascript', 'javascriptreact'] as const;

export function isAnalysedDocument(document: vscode.TextDocument): boolean {
  return document.uri.scheme === 'file' && (LANGUAGES as readonly string[]).includes(document.languageId);
}
