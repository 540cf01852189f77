// The incremental side of the benchmark: one-line edits in a large workspace, each followed by reading the
// edited file's fresh codelets (what the language server does on a keystroke). Prints JSON.
import fs from 'node:fs';
import path from 'node:path';
import { WorkspaceAnalyzer } from '../../server/analysis/index';

const root = process.argv[2]!;
const edits = Number(process.argv[3] ?? 40);
const analyzer = WorkspaceAnalyzer.open({ root });
analyzer.analyze();
const modules = fs.readdirSync(path.join(root, 'src')).filter((d) => d.startsWith('mod')).length;
const kinds = ['calc.ts', 'service.ts', 'model.ts', 'handlers.ts', 'cache.ts'];
const times: number[] = [];
const cpuTimes: number[] = [];
const changed: number[] = [];
for (let i = 0; i < edits; i++) {
  const file = path.join(root, 'src', `mod${(i * 37) % modules}`, kinds[i % kinds.length]!);
  const text = fs.readFileSync(file, 'utf8');
  // A one-line edit inside a body: a new statement on the line after the first `{` that ends a line.
  const at = text.indexOf('{\n', text.indexOf('function') >= 0 ? text.indexOf('function') : text.indexOf('async')) + 2;
  const edited = `${text.slice(0, at)}    const edit${i} = ${i} * 2;\n${text.slice(at)}`;
  const started = performance.now();
  const cpu = process.cpuUsage();
  const result = analyzer.update(file, edited);
  const codelets = analyzer.codelets(file);
  times.push(performance.now() - started);
  const used = process.cpuUsage(cpu);
  cpuTimes.push((used.user + used.system) / 1000);
  changed.push(result.changedFiles.length);
  if (codelets.length === 0) throw new Error(`no codelets after editing ${file}`);
  analyzer.update(file, text);
}
const pct = (xs: number[], p: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};
process.stdout.write(JSON.stringify({
  edits, p50Ms: pct(times, 50), p95Ms: pct(times, 95), maxMs: Math.max(...times), cpuP50Ms: pct(cpuTimes, 50), cpuP95Ms: pct(cpuTimes, 95),
  meanChangedFiles: changed.reduce((a, b) => a + b, 0) / changed.length,
}) + '\n');
