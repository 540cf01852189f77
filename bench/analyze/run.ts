// `npm run bench:analyze`: generates a workspace of 1,100 files / ~100k lines (bench/.work, git-ignored),
// then times the whole analysis (the built CLI, `codelets analyze --json`) against `tsc --noEmit`
// (TypeScript 5.9 from node_modules) on it, each in its own child process, alternating, and reports wall
// time, CPU time and peak memory, with the ratios. Then times incremental one-line edits.
//   node --import tsx bench/analyze/run.ts [--runs N] [--modules N] [--edits N]
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateWorkspace } from './generate';

const repo = path.resolve(__dirname, '..', '..');
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const runs = arg('runs', 3);
const modules = arg('modules', 100);
const edits = arg('edits', 40);

interface Sample {
  wallMs: number;
  cpuMs: number;
  maxRssMb: number;
}

function measure(label: string, script: string, args: string[]): Promise<Sample> {
  const report = path.join(os.tmpdir(), `codelets-bench-${process.pid}-${label}.json`);
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(__dirname, 'measure.cjs'), report, script, ...args], { cwd: repo, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (code) => {
      const wallMs = performance.now() - started;
      if (code !== 0) return reject(new Error(`${label} exited with ${code}: ${stderr.slice(0, 2000)}`));
      const r = JSON.parse(fs.readFileSync(report, 'utf8'));
      fs.rmSync(report, { force: true });
      resolve({ wallMs, cpuMs: r.cpuMs, maxRssMb: r.maxRssKb / 1024 });
    });
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function main(): Promise<void> {
  const cli = path.join(repo, 'dist', 'cli.js');
  if (!fs.existsSync(cli)) throw new Error('dist/cli.js is missing: run `node scripts/build.mjs` first');
  const tsc = require.resolve('typescript/lib/tsc.js', { paths: [repo] });
  const tsVersion = JSON.parse(fs.readFileSync(path.join(path.dirname(tsc), '..', 'package.json'), 'utf8')).version;

  const ws = generateWorkspace(path.join(repo, 'bench', '.work', 'analyze-ws'), modules);
  process.stdout.write(`workspace: ${ws.files} files, ${ws.lines.toLocaleString('en-US')} lines (${path.relative(repo, ws.root)})\n`);
  const out = path.join(os.tmpdir(), `codelets-bench-${process.pid}-analysis.json`);

  const analysis: Sample[] = [];
  const check: Sample[] = [];
  for (let i = 0; i < runs; i++) {
    check.push(await measure('tsc', tsc, ['--noEmit', '-p', ws.root]));
    analysis.push(await measure('analyze', cli, ['analyze', ws.root, '--json', '--out', out]));
    process.stdout.write(`run ${i + 1}/${runs}: tsc ${fmt(check[i]!.wallMs)} (cpu ${fmt(check[i]!.cpuMs)}), analyze ${fmt(analysis[i]!.wallMs)} (cpu ${fmt(analysis[i]!.cpuMs)})\n`);
  }
  const codelets = JSON.parse(fs.readFileSync(out, 'utf8')).codelets.length;
  fs.rmSync(out, { force: true });

  const a = { wall: median(analysis.map((s) => s.wallMs)), cpu: median(analysis.map((s) => s.cpuMs)), rss: Math.max(...analysis.map((s) => s.maxRssMb)) };
  const t = { wall: median(check.map((s) => s.wallMs)), cpu: median(check.map((s) => s.cpuMs)), rss: Math.max(...check.map((s) => s.maxRssMb)) };
  const rows = [
    ['', 'wall (median)', 'CPU (median)', 'peak RSS (max)'],
    [`codelets analyze --json (${codelets} codelets)`, fmt(a.wall), fmt(a.cpu), `${a.rss.toFixed(0)} MB`],
    [`tsc --noEmit (TypeScript ${tsVersion})`, fmt(t.wall), fmt(t.cpu), `${t.rss.toFixed(0)} MB`],
    ['ratio analyze / tsc', (a.wall / t.wall).toFixed(2), (a.cpu / t.cpu).toFixed(2), (a.rss / t.rss).toFixed(2)],
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  process.stdout.write('\n' + rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ')).join('\n') + '\n');

  const update = spawnSync(process.execPath, ['--import', 'tsx', path.join(__dirname, 'update-child.ts'), ws.root, String(edits)], { cwd: repo, encoding: 'utf8' });
  if (update.status !== 0) throw new Error(`update benchmark failed: ${update.stderr}`);
  const u = JSON.parse(update.stdout);
  process.stdout.write(`\nincremental: ${u.edits} one-line edits, update + codelets(file): wall p50 ${u.p50Ms.toFixed(1)} ms, p95 ${u.p95Ms.toFixed(1)} ms, max ${u.maxMs.toFixed(1)} ms; CPU p50 ${u.cpuP50Ms.toFixed(1)} ms, p95 ${u.cpuP95Ms.toFixed(1)} ms (${u.meanChangedFiles.toFixed(1)} files changed on average)\n`);
  process.stdout.write(`machine: ${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} at the end (other processes slow both sides alike; wall times and the update latency suffer most)\n`);
  const goal = a.wall / t.wall <= 0.5 && a.rss <= t.rss && u.p95Ms <= 50;
  process.stdout.write(`goal (wall ratio <= 0.5, peak memory <= tsc's, update p95 <= 50 ms): ${goal ? 'met' : 'NOT met'}\n`);
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
