// `codelets analyze <folder> [--json] [--out FILE]`: the analyser's metadata as a table or as JSON.
import fs from 'node:fs';
import { SingleBar } from 'cli-progress';
import { AnalyzerInputError, WorkspaceAnalyzer } from '../../server/analysis/index';
import type { AnalysisResult, Codelet } from '../../server/analysis/metadata';
import { UsageError } from '../usage-error';

/** Below this many files the analysis is over before a bar would be worth drawing. */
const PROGRESS_MIN_FILES = 200;

export async function analyzeCommand(folder: string, options: { json?: boolean; out?: string }): Promise<number> {
  let analyzer: WorkspaceAnalyzer;
  try {
    analyzer = WorkspaceAnalyzer.open({ root: folder, onProgress: progressReporter(options) });
  } catch (error) {
    if (error instanceof AnalyzerInputError) throw new UsageError(error.message);
    throw error;
  }
  const result = analyzer.analyze();
  const chunks = options.json ? jsonChunks(result) : [table(result)];
  if (options.out) {
    let fd: number;
    try {
      fd = fs.openSync(options.out, 'w');
    } catch (error) {
      throw new UsageError(`cannot write ${options.out}: ${(error as Error).message}`);
    }
    try {
      for (const chunk of chunks) fs.writeSync(fd, chunk);
    } finally {
      fs.closeSync(fd);
    }
    process.stderr.write(`wrote ${result.codelets.length} codelets to ${options.out}\n`);
  } else {
    // A reader that stops early (`| head`) is not an error.
    process.stdout.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(0);
      throw error;
    });
    for (const chunk of chunks) {
      if (!process.stdout.write(chunk)) await new Promise<void>((resolve) => process.stdout.once('drain', () => resolve()));
    }
    await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
  }
  return 0;
}

/**
 * The JSON output, one codelet or edge per line, produced in pieces: a large workspace's metadata is tens
 * of megabytes, and one string of it (plus its indented copy) would raise peak memory for nothing.
 */
function* jsonChunks(result: AnalysisResult): Generator<string> {
  yield `{"schemaVersion":${result.schemaVersion},"root":${JSON.stringify(result.root)}`;
  for (const [key, items] of [['codelets', result.codelets], ['edges', result.edges], ['problems', result.problems]] as const) {
    if (items.length === 0) {
      yield `,"${key}":[]`;
      continue;
    }
    let buffer = `,"${key}":[\n`;
    for (let i = 0; i < items.length; i++) {
      buffer += JSON.stringify(items[i]) + (i < items.length - 1 ? ',\n' : '\n');
      if (buffer.length > 1 << 20) {
        yield buffer;
        buffer = '';
      }
    }
    yield buffer + ']';
  }
  yield '}\n';
}

/** A bar on stderr, only for a person watching: stderr is a terminal and stdout is not piped JSON. */
function progressReporter(options: { json?: boolean; out?: string }): ((done: number, total: number) => void) | undefined {
  if (!process.stderr.isTTY) return undefined;
  if (options.json && !options.out && !process.stdout.isTTY) return undefined;
  let bar: SingleBar | undefined;
  return (done, total) => {
    if (total < PROGRESS_MIN_FILES) return;
    if (!bar) {
      bar = new SingleBar({ stream: process.stderr, format: 'analysing [{bar}] {value}/{total} files', hideCursor: true, clearOnComplete: true });
      bar.start(total, 0);
    }
    bar.update(done);
    if (done >= total) bar.stop();
  };
}

function profileText(c: Codelet): string {
  const p = c.profile;
  const f = (x: number) => x.toFixed(2).replace(/^0/, '');
  return `cpu ${f(p.cpu)} mem ${f(p.memory)} io ${f(p.io)} gpu ${f(p.gpu)}`;
}

function dependencyText(c: Codelet): string {
  const names = c.dependencies.map((d) => (d.startsWith(c.file + '#') ? d.slice(c.file.length) : d));
  const text = names.join(', ');
  return text.length > 80 ? `${text.slice(0, 77)}...` : text || '-';
}

function table(result: AnalysisResult): string {
  const header = ['codelet', 'class', 'profile', 'dependencies'];
  const rows = result.codelets.map((c) => [c.id, c.class, profileText(c), dependencyText(c)]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ') + '\n';
  let out = line(header) + line(widths.map((w) => '-'.repeat(w)));
  for (const row of rows) out += line(row);
  const files = new Set(result.codelets.map((c) => c.file)).size;
  out += `\n${result.codelets.length} codelets in ${files} files, ${result.edges.filter((e) => e.kind === 'call').length} calls, ${result.problems.length} problems\n`;
  for (const p of result.problems) out += `  ${p.file}:${p.range.start.line + 1}:${p.range.start.character + 1}: ${p.message}\n`;
  return out;
}
