// The Codelets language server: keeps one analysis per workspace root current with the open documents
// and answers lenses, hovers, inlay hints, diagnostics and the custom `codelets/…` requests.
import { appendFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  CodeLensRefreshRequest, DidChangeWatchedFilesNotification, FileChangeType, TextDocuments, TextDocumentSyncKind,
  type ClientCapabilities, type Connection, type InitializeParams, type InitializeResult,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { diagnosticsFor } from './diagnostics';
import { EditQueue } from './edit-queue';
import { registerFeatures } from './features';
import { GraphChangedNotification, ServerSettings, StatusNotification } from './protocol';
import { registerCustomRequests } from './custom-requests';
import { MeasuredFigures } from './measured-figures';
import { registerMeasuredNotification } from './measured-notification';
import type { RootAnalysis } from './root-analysis';
import { pathToUri, uriToPath, Workspace, type ProgressSink } from './workspace';

/** Typing pauses shorter than this are one edit. Requests flush the pending edit at once. */
const EDIT_DEBOUNCE_MS = 150;

export interface ServerState {
  connection: Connection;
  documents: TextDocuments<TextDocument>;
  workspace: Workspace;
  edits: EditQueue;
  /** The agent's figures (`codelets/measured`); every answer merges them into the codelets it serves. */
  measured: MeasuredFigures;
  settings(): ServerSettings;
  /** Resolves once the current whole-workspace analysis has finished. */
  analysed(): Promise<void>;
  reanalyze(): Promise<void>;
}

export function startServer(connection: Connection): void {
  const documents = new TextDocuments(TextDocument);
  const measured = new MeasuredFigures();
  let settings = ServerSettings.parse({});
  let capabilities: ClientCapabilities = {};
  // Pending until the first whole-workspace analysis (started on `initialized`) has finished.
  let startAnalysis!: () => void;
  let analysis = new Promise<void>((resolve) => (startAnalysis = resolve));
  /** Document versions the analysis has seen, so a reopened unchanged file costs nothing. */
  const analysedVersion = new Map<string, number>();
  /** Open documents whose editor text the analysis holds instead of the file on disk. */
  const analysedText = new Map<string, string>();
  /** Bumped when a document closes, so an update that was in flight then knows its text is gone. */
  const closes = new Map<string, number>();

  // CODELETS_LSP_LOG names a file that gets a copy of the log, with document events (for e2e runs).
  const logFile = process.env.CODELETS_LSP_LOG;
  const trace = (line: string) => {
    if (logFile) appendFileSync(logFile, `[${new Date().toISOString().slice(11, 23)}] ${line}\n`);
  };
  const log = (line: string) => {
    connection.console.log(`[${new Date().toISOString().slice(11, 23)}] ${line}`);
    trace(line);
  };
  const workspace = new Workspace(
    () => settings,
    (status) => void connection.sendNotification(StatusNotification, status),
    log,
    (root, files) => publish(root, files),
  );

  const fileUri = (root: RootAnalysis, rel: string) => {
    const file = path.join(root.root, rel);
    return documents.all().find((d) => uriToPath(d.uri) === file)?.uri ?? pathToUri(file);
  };

  /** Files that have diagnostics on the client, so they get cleared; files that never had any cost nothing. */
  const published = new Set<string>();
  const publish = (root: RootAnalysis, files: string[]) => {
    for (const rel of files) {
      const file = path.join(root.root, rel);
      const uri = fileUri(root, rel);
      const diagnostics = diagnosticsFor(measured.mergeAll(root.root, root.codelets(file)), root.problems(file));
      if (!diagnostics.length && !published.has(uri)) continue;
      if (diagnostics.length) published.add(uri);
      else published.delete(uri);
      void connection.sendDiagnostics({ uri, diagnostics });
    }
  };

  const afterChange = (roots: RootAnalysis[], files: string[], editedUri?: string) => {
    // Lenses and hints in other files may depend on what changed (a callee's class shows at its callers).
    const others = editedUri === undefined || files.some((f) => roots.some((r) => fileUri(r, f) !== editedUri));
    if (others && capabilities.workspace?.codeLens?.refreshSupport) void connection.sendRequest(CodeLensRefreshRequest.type);
    if (others && capabilities.workspace?.inlayHint?.refreshSupport) void connection.languages.inlayHint.refresh();
    void connection.sendNotification(GraphChangedNotification, { roots: roots.map((r) => r.root), files });
  };

  const applyEdit = async (uri: string) => {
    const document = documents.get(uri);
    const file = uriToPath(uri);
    const root = file ? workspace.rootFor(file) : undefined;
    if (!document || !file || !root?.ready || analysedVersion.get(uri) === document.version) return;
    const version = document.version;
    const text = document.getText();
    const closed = closes.get(uri) ?? 0;
    const started = performance.now();
    try {
      let { files: changed, analyzerMs } = await root.update(file, text);
      if ((closes.get(uri) ?? 0) !== closed) {
        // Closed (and maybe reopened) while this ran: its text is gone; analyse what is there now.
        const now = documents.get(uri);
        ({ files: changed } = await root.update(file, now ? now.getText() : readIfExists(file)));
        if (now) {
          analysedVersion.set(uri, now.version);
          analysedText.set(uri, now.getText());
        }
      } else {
        analysedVersion.set(uri, version);
        analysedText.set(uri, text);
      }
      log(`re-analysed ${root.relative(file)} v${version}: ${changed.length} file(s) changed, ${(performance.now() - started).toFixed(1)} ms (analyser ${analyzerMs.toFixed(1)} ms)`);
      publish(root, changed);
      afterChange([root], changed, uri);
    } catch (error) {
      log(`re-analysis of ${file} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
  };
  const edits = new EditQueue(EDIT_DEBOUNCE_MS, applyEdit);

  const progressSink = async (): Promise<ProgressSink> => {
    if (!capabilities.window?.workDoneProgress) return { begin() {}, report() {}, done() {} };
    const reporter = await connection.window.createWorkDoneProgress();
    return {
      begin: (title) => reporter.begin(title, 0, undefined, false),
      report: (message, percentage) => reporter.report(percentage ?? 0, message),
      done: () => reporter.done(),
    };
  };

  // Never rejects: every request waits on it.
  const analyzeRoots = (roots: RootAnalysis[]) =>
    analyzeRootsOrThrow(roots).catch((error) => log(`workspace analysis failed: ${(error as Error).stack ?? error}`));
  const analyzeRootsOrThrow = async (roots: RootAnalysis[]) => {
    const sink = await progressSink().catch(() => ({ begin() {}, report() {}, done() {} }) as ProgressSink);
    await workspace.analyze(roots, sink);
    for (const root of roots) publish(root, root.files());
    // Documents edited before the analysis finished: bring the analysis up to their text.
    const catchUp: Promise<void>[] = [];
    for (const document of documents.all()) {
      const file = uriToPath(document.uri);
      if (!file || !roots.includes(workspace.rootFor(file)!)) continue;
      analysedText.delete(document.uri); // a whole analysis reads the files on disk
      if (differsFromDisk(file, document.getText())) {
        analysedVersion.delete(document.uri);
        edits.schedule(document.uri);
        catchUp.push(edits.flush(document.uri));
      } else {
        analysedVersion.set(document.uri, document.version);
      }
    }
    await Promise.all(catchUp);
    afterChange(roots, roots.flatMap((r) => r.files()));
  };

  const state: ServerState = {
    connection,
    documents,
    workspace,
    edits,
    measured,
    settings: () => settings,
    analysed: () => analysis,
    reanalyze: async () => {
      // Replaced at once, so a request that arrives next waits for the new analysis, not the old one.
      analysis = analysis.then(() => analyzeRoots(workspace.all()));
      await analysis;
    },
  };

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    capabilities = params.capabilities;
    settings = parseSettings(params.initializationOptions?.settings ?? params.initializationOptions, log);
    const folders = params.workspaceFolders?.map((f) => uriToPath(f.uri)) ?? [params.rootUri ? uriToPath(params.rootUri) : params.rootPath];
    workspace.setFolders(folders.filter((f): f is string => typeof f === 'string'));
    workspace.worker.warmUp();
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        codeLensProvider: { resolveProvider: true },
        hoverProvider: true,
        inlayHintProvider: { resolveProvider: false },
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'codelets', version: process.env.CODELETS_VERSION ?? '0.1.0' },
    };
  });

  connection.onInitialized(() => {
    if (capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration) {
      void connection.client.register(DidChangeWatchedFilesNotification.type, {
        watchers: [{ globPattern: '**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}' }],
      });
    }
    if (capabilities.workspace?.workspaceFolders) {
      connection.workspace.onDidChangeWorkspaceFolders(() => {
        void connection.workspace.getWorkspaceFolders().then((folders) => {
          const { added, removed } = workspace.setFolders((folders ?? []).map((f) => uriToPath(f.uri)).filter((f): f is string => !!f));
          // Diagnostics of a folder that left the workspace go with it.
          for (const uri of [...published]) {
            const file = uriToPath(uri);
            if (file && removed.some((root) => !path.relative(root, file).startsWith('..'))) {
              published.delete(uri);
              void connection.sendDiagnostics({ uri, diagnostics: [] });
            }
          }
          for (const root of removed) measured.forget(root);
          if (removed.length) void connection.sendNotification(GraphChangedNotification, { roots: removed, files: [] });
          analysis = analysis.then(() => analyzeRoots(added));
        });
      });
    }
    // Analyse after answering `initialized`, so the client is not held up.
    setImmediate(() => {
      analysis = analyzeRoots(workspace.all());
      void analysis.then(startAnalysis);
    });
  });

  connection.onDidChangeConfiguration((change) => {
    const next = parseSettings((change.settings as { codelets?: unknown } | undefined)?.codelets, log);
    const reanalyse = JSON.stringify(next.analysis) !== JSON.stringify(settings.analysis);
    settings = next;
    if (reanalyse) void state.reanalyze();
    if (capabilities.workspace?.codeLens?.refreshSupport) void connection.sendRequest(CodeLensRefreshRequest.type);
    if (capabilities.workspace?.inlayHint?.refreshSupport) void connection.languages.inlayHint.refresh();
  });

  documents.onDidOpen(({ document }) => {
    trace(`open ${document.uri} v${document.version}`);
    const file = uriToPath(document.uri);
    if (file && differsFromDisk(file, document.getText())) edits.schedule(document.uri);
    else analysedVersion.set(document.uri, document.version);
  });
  documents.onDidChangeContent(({ document }) => {
    trace(`change ${document.uri} v${document.version}`);
    if (analysedVersion.get(document.uri) !== document.version) edits.schedule(document.uri);
  });
  documents.onDidClose(({ document }) => {
    // Closing a modified document drops its changes: the analysis goes back to what is on disk.
    trace(`close ${document.uri}`);
    closes.set(document.uri, (closes.get(document.uri) ?? 0) + 1);
    edits.forget(document.uri);
    const file = uriToPath(document.uri);
    const root = file ? workspace.rootFor(file) : undefined;
    const held = analysedText.get(document.uri);
    analysedText.delete(document.uri);
    analysedVersion.delete(document.uri);
    const disk = file ? readIfExists(file) : undefined;
    if (file && root?.ready && held !== undefined && held !== disk) {
      void edits.enqueue(document.uri, async () => {
        try {
          const { files: changed } = await root.update(file, disk);
          publish(root, changed);
          afterChange([root], changed);
        } catch (error) {
          log(`re-analysis of ${file} failed: ${(error as Error).message}`);
        }
      });
    }
  });

  connection.onDidChangeWatchedFiles(async ({ changes }) => {
    await analysis;
    for (const change of changes) {
      const file = uriToPath(change.uri);
      const root = file ? workspace.rootFor(file) : undefined;
      if (!file || !root?.ready || documents.get(change.uri)) continue; // open documents follow the editor
      // Queued like edits, so requests that wait for pending updates (the graph) see this one too.
      void edits.enqueue(change.uri, async () => {
        try {
          const text = change.type === FileChangeType.Deleted ? undefined : readIfExists(file);
          const { files: changed } = await root.update(file, text);
          publish(root, changed);
          afterChange([root], changed);
        } catch (error) {
          log(`re-analysis of ${file} failed: ${(error as Error).message}`);
        }
      });
    }
  });

  registerFeatures(state);
  registerCustomRequests(state);
  registerMeasuredNotification(state, { capabilities: () => capabilities, publish, log });
  connection.onShutdown(async () => {
    edits.dispose();
    await workspace.worker.dispose();
  });
  documents.listen(connection);
  connection.listen();
}

function parseSettings(raw: unknown, log: (line: string) => void): ServerSettings {
  const parsed = ServerSettings.safeParse(raw ?? {});
  if (parsed.success) return parsed.data;
  log(`ignoring invalid codelets settings: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return ServerSettings.parse({});
}

function readIfExists(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function differsFromDisk(file: string, text: string): boolean {
  return readIfExists(file) !== text;
}
