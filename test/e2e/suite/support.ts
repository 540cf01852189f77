// Helpers the suites share (bundled into each suite; not a suite itself).
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import type { AnalysisResult } from '../../../server/analysis/metadata';
import type { CodeletsApi } from '../../../extension/main';
import { CONFIG_FILE, EXPECTED_FILE, type E2EConfig, type ScreenshotRequest } from '../harness/protocol';

const runDir = () => {
  const dir = process.env.CODELETS_E2E_DIR;
  if (!dir) throw new Error('CODELETS_E2E_DIR is not set: suites run only under test/e2e/runner');
  return dir;
};

export function config(): E2EConfig {
  return JSON.parse(readFileSync(path.join(runDir(), CONFIG_FILE), 'utf8')) as E2EConfig;
}

export function expected(): AnalysisResult {
  return JSON.parse(readFileSync(path.join(runDir(), EXPECTED_FILE), 'utf8')) as AnalysisResult;
}

export const EXTENSION_ID = 'codelets.codelets';

export async function api(): Promise<CodeletsApi> {
  const extension = vscode.extensions.getExtension<CodeletsApi>(EXTENSION_ID);
  if (!extension) throw new Error(`extension ${EXTENSION_ID} is not installed in this VS Code`);
  return extension.activate();
}

export function workspaceUri(rel: string): vscode.Uri {
  return vscode.Uri.file(path.join(config().workspace, rel));
}

export async function openFile(rel: string): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument(workspaceUri(rel));
  return vscode.window.showTextDocument(document, { preview: false });
}

/** Polls until `probe` returns a value that passes `ok` (or throws with the last value). */
export async function eventually<T>(probe: () => PromiseLike<T> | T, ok: (value: T) => boolean, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      last = await probe();
      if (ok(last)) return last;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(last)?.slice(0, 2000)}${lastError ? `; last error: ${lastError}` : ''}`);
}

export async function codeLenses(uri: vscode.Uri): Promise<vscode.CodeLens[]> {
  await vscode.workspace.openTextDocument(uri); // the provider command needs the document loaded
  // The second argument asks VS Code to resolve every lens, as it does for visible ones.
  return (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 100)) ?? [];
}

/** Asks the harness to photograph the workbench; resolves when it has (no-op without a harness). */
export async function screenshot(request: ScreenshotRequest, timeoutMs = 60_000): Promise<void> {
  if (!config().screenshots) return;
  const base = path.join(runDir(), `screenshot-${request.name}`);
  rmSync(`${base}.done`, { force: true });
  writeFileSync(`${base}.tmp`, JSON.stringify(request));
  renameSync(`${base}.tmp`, `${base}.request`); // the harness never sees half a request
  await eventually(() => existsSync(`${base}.done`) || existsSync(`${base}.error`), Boolean, `screenshot ${request.name}`, timeoutMs);
  if (existsSync(`${base}.error`)) throw new Error(`screenshot ${request.name} failed: ${readFileSync(`${base}.error`, 'utf8')}`);
}
