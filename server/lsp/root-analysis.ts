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

  constructor(
    readonly root: string,
    private readonly worker: AnalysisWorker,
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

  codelets(file: string): Codelet[] {
    return this.byFile.get(this.relative(file) ?? file) ?? [];
  }

  codelet(id: string): Codelet | undefined {
    return this.byId.get(id);
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
