// `codelets schedule <dag.json…> [--algorithm heft|peft|best] [--json]`: schedules task graphs on
// heterogeneous fleets. Every file is read and validated before anything is printed, so a bad file
// refuses the whole command (exit 2) with a message naming the file and what is wrong.
import { readFile } from 'node:fs/promises';
import { ALGORITHMS, DagInputError, compileDag, scheduleDag, toAssignments, type Algorithm, type Dag } from '../../agent/router/dag';
import { UsageError } from '../usage-error';

export async function scheduleCommand(files: string[], options: { algorithm?: string; json?: boolean }): Promise<number> {
  const algorithm = (options.algorithm ?? 'best').toLowerCase();
  if (!(ALGORITHMS as readonly string[]).includes(algorithm)) {
    throw new UsageError(`unknown algorithm "${options.algorithm}" (expected ${ALGORITHMS.join(', ')})`);
  }
  const graphs: { file: string; dag: Dag }[] = [];
  const problems: string[] = [];
  for (const file of files) {
    try {
      graphs.push({ file, dag: compileDag(parseJson(file, await readText(file))) });
    } catch (error) {
      if (error instanceof DagInputError) problems.push(...error.problems.map((p) => `${file}: ${p}`));
      else if (error instanceof UsageError) problems.push(error.message);
      else throw error;
    }
  }
  if (problems.length) throw new UsageError(problems.join('\n'));

  for (const { file, dag } of graphs) {
    const { schedule, bounds, provenOptimal } = scheduleDag(dag, algorithm as Algorithm);
    const makespan = dag.n === 0 ? 0 : schedule.makespan;
    const assignments = toAssignments(dag, schedule);
    if (options.json) {
      process.stdout.write(`${JSON.stringify({ makespan, assignments })}\n`);
      continue;
    }
    const lines = [`${file}: ${dag.n} tasks on ${dag.workerCount} workers (${dag.fleetIds.length} fleets), ${algorithm.toUpperCase()}: makespan ${fmt(makespan)}`];
    if (bounds) {
      lines.push(`  lower bound ${fmt(bounds.best)} (critical path ${fmt(bounds.criticalPath)}, work/workers ${fmt(bounds.work)}${bounds.energetic ? `, energetic ${fmt(bounds.energetic)}` : ''})${provenOptimal ? ': optimal' : ''}`);
    }
    lines.push(...table(assignments.map((a) => [a.task, a.fleet, String(a.worker), fmt(a.start), fmt(a.finish)]), ['task', 'fleet', 'worker', 'start', 'finish']));
    lines.push(...gantt(dag, assignments, makespan));
    process.stdout.write(`${lines.join('\n')}\n\n`);
  }
  return 0;
}

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`${file}: cannot read the file (${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : (error as Error).message})`);
  }
}

function parseJson(file: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const at = /position (\d+)/.exec(message);
    if (!at) throw new UsageError(`${file}: malformed JSON: ${message}`);
    const position = Number(at[1]);
    const before = text.slice(0, position).split('\n');
    const where = `line ${before.length}, column ${before[before.length - 1]!.length + 1}`;
    throw new UsageError(`${file}: malformed JSON at ${where}: ${message.replace(/\s*\(line \d+ column \d+\)/, '')}`);
  }
}

function fmt(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(3).replace(/0+$/, '');
}

function table(rows: string[][], header: string[]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `  ${cells.map((c, i) => (i >= 3 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ')}`.trimEnd();
  return [line(header), ...rows.map(line)];
}

/**
 * One row per worker, time left to right. With up to 62 tasks each gets a symbol and a legend; above that,
 * consecutive tasks on a worker alternate '#' and '=' so their boundaries stay visible.
 */
function gantt(dag: Dag, assignments: ReturnType<typeof toAssignments>, makespan: number): string[] {
  const width = 60;
  if (!(makespan > 0)) return [];
  const symbols = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
  const legend = assignments.length <= symbols.length;
  const rows = new Map<string, { cells: string[]; count: number }>();
  for (let w = 0; w < dag.workerCount; w++) {
    const f = dag.workerFleet[w]!;
    rows.set(`${dag.fleetIds[f]}#${w - dag.fleetFirstWorker[f]!}`, { cells: Array(width).fill('.'), count: 0 });
  }
  assignments.forEach((a, i) => {
    const row = rows.get(`${a.fleet}#${a.worker}`)!;
    const from = Math.min(width - 1, Math.floor((a.start / makespan) * width));
    const to = Math.max(from + 1, Math.round((a.finish / makespan) * width));
    const mark = legend ? symbols[i]! : row.count % 2 ? '=' : '#';
    row.count++;
    for (let c = from; c < Math.min(to, width); c++) row.cells[c] = mark;
  });
  const label = Math.max(...[...rows.keys()].map((k) => k.length));
  const lines = ['', `  ${''.padEnd(label)} 0${' '.repeat(Math.max(1, width - 1 - fmt(makespan).length))}${fmt(makespan)}`];
  for (const [k, r] of rows) lines.push(`  ${k.padEnd(label)} |${r.cells.join('')}|`);
  if (legend) {
    const entries = assignments.map((a, i) => `${symbols[i]}=${a.task}`);
    for (let i = 0; i < entries.length; i += 8) lines.push(`  ${entries.slice(i, i + 8).join('  ')}`);
  }
  return lines;
}
