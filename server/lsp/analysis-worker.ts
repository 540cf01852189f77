// The analysis worker thread (dist/analysis-worker.js): owns one WorkspaceAnalyzer per root and does
// the synchronous, CPU-heavy analysis, so the language server's main thread keeps answering requests
// (and reporting progress) while a large workspace is analysed.
import { parentPort } from 'node:worker_threads';
import { AnalyzerInputError, WorkspaceAnalyzer } from '../analysis/index';
import type { FileState, FromWorker, ToWorker } from './analysis-messages';

const analyzers = new Map<string, WorkspaceAnalyzer>();
/** Analyzers that only give first looks (`preview`), in the short-lived preview worker. */
const previewers = new Map<string, WorkspaceAnalyzer>();
/** Files whose problems are owed to the main thread, per root. */
const owedProblems = new Map<string, Set<string>>();
let problemsScheduled = false;
const port = parentPort;
if (!port) throw new Error('analysis-worker.js runs as a worker thread of the language server');
const post = (message: FromWorker) => port.postMessage(message);

function fileStates(analyzer: WorkspaceAnalyzer, files: string[]): FileState[] {
  return files.map((file) => ({ file, codelets: analyzer.codelets(file), problems: analyzer.problems(file) }));
}

/**
 * `problems(file)` builds the whole result, which costs more than the update itself on a large
 * workspace; so the update answers with codelets first and the problems follow once the queue is idle.
 */
function owe(root: string, files: string[]): void {
  const owed = owedProblems.get(root) ?? new Set();
  for (const file of files) owed.add(file);
  owedProblems.set(root, owed);
  if (problemsScheduled) return;
  problemsScheduled = true;
  setImmediate(() => {
    problemsScheduled = false;
    for (const [owedRoot, owedFiles] of owedProblems) {
      const analyzer = analyzers.get(owedRoot);
      if (!analyzer) continue;
      const files = [...owedFiles].map((file) => ({ file, problems: analyzer.problems(file) }));
      post({ type: 'problems', seq: 0, root: owedRoot, files });
    }
    owedProblems.clear();
  });
}

function handle(message: ToWorker): void {
  switch (message.type) {
    case 'analyze': {
      analyzers.delete(message.root);
      const analyzer = WorkspaceAnalyzer.open({
        root: message.root,
        include: message.include,
        exclude: message.exclude,
        onProgress: (done, total) => post({ type: 'progress', seq: message.seq, done, total }),
      });
      const result = analyzer.analyze();
      analyzers.set(message.root, analyzer);
      const files = [...new Set(result.codelets.map((c) => c.file))];
      // Problems without codelets (a file that does not parse, a bad tsconfig) travel on their own.
      post({ type: 'analyzed', seq: message.seq, files: fileStates(analyzer, files), problems: result.problems });
      return;
    }
    case 'update': {
      const analyzer = analyzers.get(message.root);
      if (!analyzer) throw new Error(`no analysis of ${message.root} to update`);
      const started = performance.now();
      const { changedFiles } = analyzer.update(message.file, message.text);
      const analyzerMs = performance.now() - started;
      post({ type: 'updated', seq: message.seq, files: changedFiles.map((file) => ({ file, codelets: analyzer.codelets(file) })), analyzerMs });
      owe(message.root, changedFiles);
      return;
    }
    case 'preview': {
      const started = performance.now();
      let analyzer = previewers.get(message.root);
      if (!analyzer) {
        analyzer = WorkspaceAnalyzer.open({ root: message.root, include: message.include, exclude: message.exclude });
        previewers.set(message.root, analyzer);
      }
      const { codelets, pending } = analyzer.preview(message.files, new Map(message.texts));
      post({ type: 'previewed', seq: message.seq, codelets, pending, ms: performance.now() - started });
      return;
    }
    case 'forget': {
      // A folder left the workspace: free its program.
      analyzers.delete(message.root);
      owedProblems.delete(message.root);
      post({ type: 'forgotten', seq: message.seq });
      return;
    }
    case 'result': {
      const analyzer = analyzers.get(message.root);
      if (!analyzer) throw new Error(`no analysis of ${message.root}`);
      post({ type: 'result', seq: message.seq, result: analyzer.result() });
      return;
    }
  }
}

port.on('message', (message: ToWorker) => {
  try {
    handle(message);
  } catch (error) {
    post({
      type: 'failed',
      seq: message.seq,
      message: error instanceof AnalyzerInputError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error),
      inputError: error instanceof AnalyzerInputError,
    });
  }
});
