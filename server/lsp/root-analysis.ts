// One workspace root's analysis as the main thread sees it: the worker does the analysing; this keeps
// an index of codelets and problems by file and id, so requests are answered without a round trip.
import path from 'node:path';
import type { AnalysisResult, Codelet, Problem } from '../analysis/metadata';
import type { FileState, UpdatedFile } from './analysis-messages';
import type { AnalysisWorker } from './analysis-client';

export interface RootOptions {
  include?: string[];
  exclude?: string[];
  onProgress?: (done: number, total: number) => void;
}

function posix(p: string): string {
  return p.split(path.sep).join('/');
}

export class RootAnalysis {
  private analysed = false;
  private byFile = new Map<string, Codelet[]>();
  private byId = new Map<string, Codelet>();
  private problemsByFile = new Map<string, Problem[]>();
  /** Why the root has no analysis (no sources, unreadable folder…), shown in the status and output. */
  error: string | undefined;
  /** First looks (see `preview`) by file and text, and the ids among them whose figures are not final. */
  private previews = new Map<string, { text: string; codelets: Promise<Codelet[] | undefined> }>();
  private previewPending = new Set<string>();
  private previewById = new Map<string, Codelet>();
  private inFlight = new Set<Promise<unknown>>();

  constructor(
    readonly root: string,
    private readonly worker: AnalysisWorker,
    /** The short-lived worker that gives first looks while `worker` analyses the whole root. */
    private readonly previewWorker?: AnalysisWorker,
  ) {}

  get ready(): boolean {
    return this.analysed;
  }

  /** Whole-root analysis; replaces whatever was there. */
  async analyze(options: RootOptions): Promise<void> {
    this.error = undefined;
    try {
      const reply = await this.worker.request(
        {
          type: 'analyze',
          root: this.root,
          include: options.include?.length ? options.include : undefined,
          exclude: options.exclude?.length ? options.exclude : undefined,
        },
        options.onProgress,
      );
      if (reply.type !== 'analyzed') throw new Error(`unexpected reply ${reply.type}`);
      this.byFile.clear();
      this.byId.clear();
      this.problemsByFile.clear();
      for (const problem of reply.problems) this.problemsByFile.set(problem.file, [...(this.problemsByFile.get(problem.file) ?? []), problem]);
      for (const state of reply.files) this.replace({ ...state, problems: this.problemsByFile.get(state.file) ?? [] });
      this.analysed = true;
      this.previews.clear();
      this.previewById.clear();
      this.previewPending.clear();
    } catch (error) {
      this.analysed = false;
      this.error = error instanceof Error ? error.message : String(error);
    }
  }

  private replace(state: FileState | UpdatedFile): void {
    for (const old of this.byFile.get(state.file) ?? []) this.byId.delete(old.id);
    if (state.codelets.length) this.byFile.set(state.file, state.codelets);
    else this.byFile.delete(state.file);
    for (const codelet of state.codelets) this.byId.set(codelet.id, codelet);
    if ('problems' in state) this.setProblems([state]);
  }

  /** Problems arrive after the codelets of an update (see analysis-worker.ts). */
  setProblems(files: { file: string; problems: Problem[] }[]): void {
    for (const { file, problems } of files) {
      if (problems.length) this.problemsByFile.set(file, problems);
      else this.problemsByFile.delete(file);
    }
  }

  /** Workspace-relative posix path, or undefined when the file is outside this root. */
  relative(file: string): string | undefined {
    const rel = path.relative(this.root, file);
    if (rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
    return posix(rel);
  }

  /** Re-analyses one file (text undefined = deleted); returns the workspace-relative files whose codelets changed. */
  async update(file: string, text: string | undefined): Promise<{ files: string[]; analyzerMs: number }> {
    if (!this.analysed) return { files: [], analyzerMs: 0 };
    const reply = await this.worker.request({ type: 'update', root: this.root, file, text });
    if (reply.type !== 'updated') throw new Error(`unexpected reply ${reply.type}`);
    for (const state of reply.files) this.replace(state);
    return { files: reply.files.map((state) => state.file), analyzerMs: reply.analyzerMs };
  }

  /**
   * Before the whole root is analysed: the codelets of one open file from a first look (its dependencies
   * are right; `isPending` tells which figures may still change). Undefined once the root is analysed, or
   * when no first look can be had.
   */
  async preview(file: string, text: string, options: RootOptions): Promise<Codelet[] | undefined> {
    if (this.analysed || this.error !== undefined || !this.previewWorker) return undefined;
    const rel = this.relative(file);
    if (rel === undefined) return undefined;
    const known = this.previews.get(rel);
    if (known?.text === text) return known.codelets;
    const codelets = this.previewWorker
      .request({
        type: 'preview',
        root: this.root,
        include: options.include?.length ? options.include : undefined,
        exclude: options.exclude?.length ? options.exclude : undefined,
        files: [rel],
        texts: [[rel, text]],
      })
      .then((reply) => {
        if (reply.type !== 'previewed' || this.analysed) return undefined;
        this.previewWorker?.log(`first look at ${rel}: ${reply.codelets.length} codelets (${reply.pending.length} still estimating) in ${reply.ms.toFixed(0)} ms`);
        for (const id of reply.pending) this.previewPending.add(id);
        for (const codelet of reply.codelets) {
          this.previewById.set(codelet.id, codelet);
          if (!reply.pending.includes(codelet.id)) this.previewPending.delete(codelet.id);
        }
        return reply.codelets;
      })
      .catch(() => undefined);
    this.previews.set(rel, { text, codelets });
    this.inFlight.add(codelets);
    void codelets.finally(() => this.inFlight.delete(codelets));
    return codelets;
  }

  /** Resolves when the first looks asked for so far are done (the whole analysis waits for them). */
  async previewsSettled(): Promise<void> {
    await Promise.all([...this.inFlight]);
  }

  /** A codelet from a first look whose class and estimate wait for the whole analysis. */
  isPending(id: string): boolean {
    return !this.analysed && this.previewPending.has(id);
  }

  codelets(file: string): Codelet[] {
    return this.byFile.get(this.relative(file) ?? file) ?? [];
  }

  codelet(id: string): Codelet | undefined {
    return this.byId.get(id) ?? (this.analysed ? undefined : this.previewById.get(id));
  }

  get codeletCount(): number {
    return this.byId.size;
  }

  problems(file: string): Problem[] {
    return this.problemsByFile.get(this.relative(file) ?? file) ?? [];
  }

  /** Files that currently have codelets or problems (for publishing diagnostics after a full analysis). */
  files(): string[] {
    return [...new Set([...this.byFile.keys(), ...this.problemsByFile.keys()])];
  }

  async result(): Promise<AnalysisResult | undefined> {
    if (!this.analysed) return undefined;
    const reply = await this.worker.request({ type: 'result', root: this.root });
    return reply.type === 'result' ? reply.result : undefined;
  }
}
