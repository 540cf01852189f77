// Starts, restarts and stops the language server (dist/server.js over Node IPC), and forwards its
// notifications. The server starts on first need: the first TS/JS document or a command that needs it.
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { GraphChangedNotification, StatusNotification, type StatusParams } from '../server/lsp/protocol';
import { lensMiddleware } from './trust';
import { LANGUAGES, serverSettings } from './settings';

export class ServerConnection implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private starting: Promise<LanguageClient> | undefined;
  private readonly graphChanged = new vscode.EventEmitter<void>();
  private readonly statusChanged = new vscode.EventEmitter<StatusParams>();
  readonly onDidChangeGraph = this.graphChanged.event;
  readonly onDidChangeStatus = this.statusChanged.event;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly output: vscode.LogOutputChannel,
  ) {}

  /** The running client, starting the server if it is not running. */
  async get(): Promise<LanguageClient> {
    if (this.client) return this.client;
    this.starting ??= this.start().finally(() => (this.starting = undefined));
    return this.starting;
  }

  get running(): boolean {
    return this.client !== undefined;
  }

  private async start(): Promise<LanguageClient> {
    const module = this.context.asAbsolutePath('dist/server.js');
    const serverOptions: ServerOptions = {
      run: { module, transport: TransportKind.ipc },
      debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
    };
    const clientOptions: LanguageClientOptions = {
      documentSelector: LANGUAGES.map((language) => ({ scheme: 'file', language })),
      initializationOptions: { settings: serverSettings() },
      synchronize: { configurationSection: 'codelets' },
      outputChannel: this.output,
      middleware: lensMiddleware,
    };
    const client = new LanguageClient('codelets', 'Codelets', serverOptions, clientOptions);
    client.onNotification(StatusNotification, (status) => this.statusChanged.fire(status));
    client.onNotification(GraphChangedNotification, () => this.graphChanged.fire());
    this.output.appendLine(`starting the language server (${module})`);
    this.statusChanged.fire({ state: 'starting', message: 'starting the language server', codelets: 0, roots: 0 });
    await client.start();
    this.client = client;
    this.graphChanged.fire();
    return client;
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.get();
  }

  async stop(): Promise<void> {
    const client = this.client ?? (await this.starting?.catch(() => undefined));
    this.client = undefined;
    if (client) await client.stop().catch((error) => this.output.appendLine(`stopping the server: ${error}`));
  }

  dispose(): void {
    void this.stop();
    this.graphChanged.dispose();
    this.statusChanged.dispose();
  }
}
