// The server's workspace: one RootAnalysis per workspace folder (multi-root), the settings that shape
// analysis, and whole-workspace analysis with work-done progress and status notifications.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Codelet } from '../analysis/metadata';
import type { ServerSettings, StatusParams } from './protocol';
import { AnalysisWorker } from './analysis-client';
import { RootAnalysis } from './root-analysis';

export interface ProgressSink {
  begin(title: string): void;
  report(message: string, percentage?: number): void;
  done(): void;
}

export class Workspace {
  private roots = new Map<string, RootAnalysis>();
  readonly worker: AnalysisWorker;
  /**
   * A second worker for first looks at open files while `worker` analyses whole roots (which blocks it
   * for seconds on a large workspace); stopped when no root is left to analyse, freeing its memory.
   */
  readonly previewWorker: AnalysisWorker;

  constructor(
    private settings: () => ServerSettings,
    private status: (params: StatusParams) => void,
    private log: (line: string) => void,
    /** A root's problems changed after an update: republish those files' diagnostics. */
    onProblems: (root: RootAnalysis, files: string[]) => void = () => {},
  ) {
    this.worker = new AnalysisWorker(log);
    this.previewWorker = new AnalysisWorker(log);
    this.worker.onProblems = (message) => {
      const root = this.roots.get(message.root);
      if (!root?.ready) return;
      root.setProblems(message.files);
      onProblems(root, message.files.map((f) => f.file));
    };
  }

  /** Makes the roots these folders; returns the roots added (to analyse) and the folders removed. */
  setFolders(folders: string[]): { added: RootAnalysis[]; removed: string[] } {
    const wanted = new Set(folders.map((f) => path.resolve(f)));
    const removed: string[] = [];
    for (const root of [...this.roots.keys()]) {
      if (wanted.has(root)) continue;
      this.roots.delete(root);
      removed.push(root);
      void this.worker.request({ type: 'forget', root }).catch(() => {});
    }
    const added: RootAnalysis[] = [];
    for (const root of wanted) {
      if (this.roots.has(root)) continue;
      const analysis = new RootAnalysis(root, this.worker, this.previewWorker);
      this.roots.set(root, analysis);
      added.push(analysis);
    }
    // Loading the compiler takes a while: the preview worker starts with the handshake too.
    if (added.length) this.previewWorker.warmUp();
    return { added, removed };
  }

  all(): RootAnalysis[] {
    return [...this.roots.values()];
  }

  /** The innermost root holding the file (nested folders in a multi-root workspace). */
  rootFor(file: string): RootAnalysis | undefined {
    let best: RootAnalysis | undefined;
    for (const root of this.roots.values()) {
      if (root.relative(file) !== undefined && (!best || root.root.length > best.root.length)) best = root;
    }
    return best;
  }

  codeletCount(): number {
    return this.all().reduce((n, root) => n + root.codeletCount, 0);
  }

  find(id: string, rootFolder?: string): Codelet | undefined {
    const roots = rootFolder ? this.all().filter((r) => r.root === path.resolve(rootFolder)) : this.all();
    for (const root of roots) {
      const codelet = root.codelet(id);
      if (codelet) return codelet;
    }
    return undefined;
  }

  /** Analyses the given roots one after another (in the worker), reporting progress. */
  async analyze(roots: RootAnalysis[], progress: ProgressSink): Promise<void> {
    if (!roots.length) return;
    // First looks at the files the editor opened come first: on a loaded machine the whole analysis
    // running beside them would slow them down several times.
    await Promise.all(roots.map((root) => root.previewsSettled()));
    const settings = this.settings();
    progress.begin('Codelets: analysing workspace');
    for (const [index, root] of roots.entries()) {
      const name = path.basename(root.root);
      this.status({ state: 'analyzing', message: `analysing ${name}`, codelets: this.codeletCount(), roots: this.roots.size });
      const started = Date.now();
      let lastReport = 0;
      await root.analyze({
        include: settings.analysis.include,
        exclude: settings.analysis.exclude,
        onProgress: (done, total) => {
          const now = Date.now();
          if (now - lastReport < 100 && done < total) return;
          lastReport = now;
          const share = total ? done / total : 1;
          progress.report(`${name}: ${done}/${total} files`, Math.round(((index + share) / roots.length) * 100));
          this.status({ state: 'analyzing', message: `analysing ${name}: ${done}/${total} files`, codelets: this.codeletCount(), roots: this.roots.size });
        },
      });
      if (root.error) this.log(`analysis of ${root.root} failed: ${root.error}`);
      else this.log(`analysed ${root.root}: ${root.codeletCount} codelets in ${Date.now() - started} ms`);
    }
    progress.done();
    if (this.all().every((r) => r.ready || r.error)) void this.previewWorker.dispose();
    const failed = this.all().filter((r) => r.error);
    this.status(
      failed.length && failed.length === this.roots.size
        ? { state: 'error', message: failed[0].error ?? 'analysis failed', codelets: 0, roots: this.roots.size }
        : { state: 'ready', message: `${this.codeletCount()} codelets`, codelets: this.codeletCount(), roots: this.roots.size },
    );
  }
}

export function uriToPath(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

export function pathToUri(file: string): string {
  return pathToFileURL(file).toString();
}
