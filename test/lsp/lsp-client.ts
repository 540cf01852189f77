// A real LSP client for tests and the benchmark: spawns the language server (dist/server.js, or the CLI's
// `codelets lsp --stdio`) and talks JSON-RPC over its stdio.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection,
} from 'vscode-jsonrpc/node';
import type {
  CodeLens, Diagnostic, Hover, InitializeResult, InlayHint, Position, PublishDiagnosticsParams, Range,
} from 'vscode-languageserver-protocol';
import type { StatusParams } from '../../server/lsp/protocol';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');

export interface LspClientOptions {
  folders: string[];
  /** `server` runs dist/server.js --stdio; `cli` runs bin/codelets.js lsp --stdio. */
  via?: 'server' | 'cli';
  initializationOptions?: unknown;
  /** Advertise workDoneProgress and refresh support like VS Code does. */
  capabilities?: Record<string, unknown>;
}

export const uri = (file: string) => pathToFileURL(file).toString();

export class LspClient {
  readonly connection: MessageConnection;
  readonly child: ChildProcess;
  readonly diagnostics = new Map<string, Diagnostic[]>();
  readonly statuses: StatusParams[] = [];
  readonly progress: unknown[] = [];
  readonly logs: string[] = [];
  readonly graphChanges: unknown[] = [];
  private versions = new Map<string, number>();
  private folders: string[];
  private statusWaiters: (() => void)[] = [];

  constructor(private readonly options: LspClientOptions) {
    this.folders = [...options.folders];
    const args =
      options.via === 'cli'
        ? [path.join(REPO_ROOT, 'bin', 'codelets.js'), 'lsp', '--stdio']
        : [path.join(REPO_ROOT, 'dist', 'server.js'), '--stdio'];
    this.child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stderr!.on('data', (chunk) => this.logs.push(String(chunk)));
    this.connection = createMessageConnection(new StreamMessageReader(this.child.stdout!), new StreamMessageWriter(this.child.stdin!));
    this.connection.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => void this.diagnostics.set(p.uri, p.diagnostics));
    this.connection.onNotification('codelets/status', (s: StatusParams) => {
      this.statuses.push(s);
      if (s.state === 'ready' || s.state === 'error') this.statusWaiters.splice(0).forEach((w) => w());
    });
    this.connection.onNotification('codelets/graphChanged', (p) => void this.graphChanges.push(p));
    this.connection.onNotification('window/logMessage', (p: { message: string }) => void this.logs.push(p.message));
    this.connection.onNotification('$/progress', (p) => void this.progress.push(p));
    this.connection.onRequest('window/workDoneProgress/create', () => null);
    this.connection.onRequest('client/registerCapability', () => null);
    this.connection.onRequest('workspace/codeLens/refresh', () => null);
    this.connection.onRequest('workspace/inlayHint/refresh', () => null);
    this.connection.onRequest('workspace/workspaceFolders', () =>
      this.folders.map((f) => ({ uri: uri(f), name: path.basename(f) })),
    );
    this.connection.listen();
  }

  async initialize(): Promise<InitializeResult> {
    const result = await this.connection.sendRequest<InitializeResult>('initialize', {
      processId: process.pid,
      rootUri: null,
      workspaceFolders: this.options.folders.map((f) => ({ uri: uri(f), name: path.basename(f) })),
      initializationOptions: this.options.initializationOptions,
      capabilities: {
        window: { workDoneProgress: true },
        workspace: { codeLens: { refreshSupport: true }, inlayHint: { refreshSupport: true }, workspaceFolders: true },
        textDocument: { codeLens: {}, hover: { contentFormat: ['markdown'] }, inlayHint: {} },
        ...this.options.capabilities,
      },
    });
    await this.connection.sendNotification('initialized', {});
    return result;
  }

  /** Resolves when the server reports the workspace analysed. */
  async analysed(timeoutMs = 60_000): Promise<StatusParams> {
    const done = () => this.statuses.find((s) => s.state === 'ready' || s.state === 'error');
    if (!done()) {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ready status within ${timeoutMs} ms; logs:\n${this.logs.join('')}`)), timeoutMs);
        this.statusWaiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return done()!;
  }

  /** Changes the workspace folders, as an editor does when a folder is added or removed. */
  setFolders(folders: string[]): void {
    const added = folders.filter((f) => !this.folders.includes(f));
    const removed = this.folders.filter((f) => !folders.includes(f));
    this.folders = [...folders];
    const wire = (list: string[]) => list.map((f) => ({ uri: uri(f), name: path.basename(f) }));
    void this.connection.sendNotification('workspace/didChangeWorkspaceFolders', { event: { added: wire(added), removed: wire(removed) } });
  }

  open(file: string, text: string, languageId = file.endsWith('.js') ? 'javascript' : 'typescript'): void {
    this.versions.set(uri(file), 1);
    void this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: uri(file), languageId, version: 1, text } });
  }

  /** Replaces the whole text (a full-document change). */
  change(file: string, text: string): void {
    const version = (this.versions.get(uri(file)) ?? 1) + 1;
    this.versions.set(uri(file), version);
    void this.connection.sendNotification('textDocument/didChange', { textDocument: { uri: uri(file), version }, contentChanges: [{ text }] });
  }

  /** An incremental change of one range, as an editor sends while typing. */
  edit(file: string, range: Range, text: string): void {
    const version = (this.versions.get(uri(file)) ?? 1) + 1;
    this.versions.set(uri(file), version);
    void this.connection.sendNotification('textDocument/didChange', { textDocument: { uri: uri(file), version }, contentChanges: [{ range, text }] });
  }

  lenses(file: string): Promise<CodeLens[]> {
    return this.connection.sendRequest('textDocument/codeLens', { textDocument: { uri: uri(file) } });
  }

  async resolvedLenses(file: string): Promise<CodeLens[]> {
    const lenses = await this.lenses(file);
    return Promise.all(lenses.map((lens) => this.connection.sendRequest<CodeLens>('codeLens/resolve', lens)));
  }

  hover(file: string, position: Position): Promise<Hover | null> {
    return this.connection.sendRequest('textDocument/hover', { textDocument: { uri: uri(file) }, position });
  }

  inlayHints(file: string, range: Range): Promise<InlayHint[]> {
    return this.connection.sendRequest('textDocument/inlayHint', { textDocument: { uri: uri(file) }, range });
  }

  async close(): Promise<void> {
    try {
      await Promise.race([this.connection.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 2000))]);
      await this.connection.sendNotification('exit');
    } catch {
      // The server may already be gone.
    }
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 2000);
    if (this.child.exitCode === null) await exited;
    clearTimeout(timer);
    this.connection.dispose();
  }
}
