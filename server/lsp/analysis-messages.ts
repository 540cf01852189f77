// Messages between the language server's main thread and its analysis worker (analysis-worker.ts).
// Both ends are built from this file in one repository, so they are typed, not validated.
import type { AnalysisResult, Codelet, Problem } from '../analysis/metadata';

export type ToWorker =
  | { type: 'analyze'; seq: number; root: string; include?: string[]; exclude?: string[] }
  | { type: 'update'; seq: number; root: string; file: string; text: string | undefined }
  | { type: 'result'; seq: number; root: string }
  | { type: 'forget'; seq: number; root: string }
  /** A first look at open files before the whole root is analysed (WorkspaceAnalyzer.preview). */
  | { type: 'preview'; seq: number; root: string; include?: string[]; exclude?: string[]; files: string[]; texts: [string, string][] };

/** A changed file's new state, so the main thread can answer from its own index. */
export interface FileState {
  file: string;
  codelets: Codelet[];
  problems: Problem[];
}

export interface UpdatedFile {
  file: string;
  codelets: Codelet[];
}

export type FromWorker =
  | { type: 'progress'; seq: number; done: number; total: number }
  | { type: 'analyzed'; seq: number; files: FileState[]; problems: Problem[] }
  | { type: 'updated'; seq: number; files: UpdatedFile[]; analyzerMs: number }
  /** Unsolicited, after updates: the changed files' problems (costly to gather, so off the lens path). */
  | { type: 'problems'; seq: 0; root: string; files: { file: string; problems: Problem[] }[] }
  | { type: 'result'; seq: number; result: AnalysisResult }
  | { type: 'forgotten'; seq: number }
  | { type: 'previewed'; seq: number; codelets: Codelet[]; pending: string[]; ms: number }
  | { type: 'failed'; seq: number; message: string; inputError: boolean };
