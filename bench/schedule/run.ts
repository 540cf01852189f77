// `npm run bench:schedule`: HEFT vs PEFT vs the default scheduler (`best`) on generated task graphs.
//   node --import tsx bench/schedule/run.ts [--quick] [--wall-budget | --cpu-budget] [--seed N] [--sets stg,packed,het,large]
//                                           [--no-exact] [--json FILE]
// `best` budgets its search on its thread's CPU time (its default; capped at 3× the budget of wall time);
// --wall-budget measures the same budget on wall time instead; --cpu-budget on thread CPU time without the
// wall-time cap (to compare variants on a busy machine). --seed N (default 0) draws another set of
// graphs from the same generators (a held-out set: the default set is the one the figures quote).
// Sets (seeded, the same every run):
//   stg     STG-style graphs, 50 and 100 tasks, 2/4/8/16 identical workers, no transfer costs. Optimum
//           known where a long search (2 s) meets a lower bound (critical path, work/workers, energetic
//           reasoning), or the exact search (exact.ts, up to 10 s) settles it; otherwise reported against
//           the bound only.
//   packed  graphs built around a schedule with no idle time: optimum = work / workers, known by design.
//   het     heterogeneous fleets with transfer costs: 50/100 tasks on 2–6 fleets of 1–3 workers, 1,000
//           tasks on 8 fleets of 2 workers (16 workers).
//   large   1,000 tasks on 2–16 identical workers (STG-style, and packed with a known optimum).
// Reports makespan against the optimum (where known) and the lower bound, and time to schedule.
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { best, compileDag, headsAndTails, heft, lowerBounds, minCost, peft, type Dag } from '../../agent/router/dag';
import { isIdenticalWithoutTransfers, scheduleWithin } from '../../agent/router/dag/exact';
import type { DagInput } from '../../agent/router/dag/graph';
import { heterogeneousGraph, packedGraph, stgGraph } from './generate';
import { threadCpuMs } from '../../agent/router/dag/clock';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
/** Budget `best` on wall time instead of its default (this thread's CPU time). */
const wallBudget = args.includes('--wall-budget');
const option = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const cpuClock = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
/** Budget `best` on this thread's CPU time only, without its wall-time cap: compares variants under load. */
const cpuBudget = args.includes('--cpu-budget');
const clockOption = wallBudget ? { clock: () => performance.now() } : cpuBudget ? { clock: () => threadCpuMs() ?? performance.now() } : {};
const bestOptions = { ...clockOption, ...(args.includes('--no-exact') ? { exact: false } : {}) };
const jsonOut = option('--json');
const seeds = quick ? 3 : 10;
/** Graph seeds are offset by this × 1,000,000: 0 is the standard set, anything else a held-out one. */
const seedBase = Number(option('--seed') ?? 0) * 1_000_000;
const sets = new Set((option('--sets') ?? 'stg,packed,het,large').split(','));

interface Row {
  set: string;
  /** Nominal size of the set (packed graphs come out a few tasks off it). */
  size: number;
  name: string;
  n: number;
  workers: number;
  lb: number;
  optimum: number | null;
  heft: number;
  peft: number;
  best: number;
  bestProven: boolean;
  heftMs: number;
  peftMs: number;
  bestMs: number;
  bestCpuMs: number;
}

/** Result, wall ms, and this thread's CPU ms (process CPU where the thread's is not reported). */
function time<T>(f: () => T): [T, number, number] {
  const threadClock = threadCpuMs() === null ? cpuClock : () => threadCpuMs()!;
  const c0 = threadClock();
  const t0 = performance.now();
  const r = f();
  return [r, performance.now() - t0, threadClock() - c0];
}

function measure(set: string, size: number, g: DagInput & { optimum?: number }, proveOptimum: boolean): Row {
  const dag: Dag = compileDag(g);
  const [h, heftMs] = time(() => heft(dag));
  const [p, peftMs] = time(() => peft(dag));
  const [b, bestMs, bestCpuMs] = time(() => best(dag, bestOptions));
  let optimum: number | null = g.optimum ?? null;
  let lb = Math.max(b.bounds.best, lowerBounds(dag, { upper: Math.min(h.makespan, b.schedule.makespan) }).best);
  if (optimum === null && proveOptimum) {
    if (b.provenOptimal) optimum = b.schedule.makespan;
    else {
      const long = best(dag, { budgetMs: 2000, seed: 12345 });
      lb = Math.max(lb, long.bounds.best);
      if (long.schedule.makespan <= lb + 1e-9) optimum = long.schedule.makespan;
      else if (isIdenticalWithoutTransfers(dag)) {
        // A long exact search at the bound: a schedule there is optimal; none proves the bound + 1.
        const { tail } = headsAndTails(dag, minCost(dag));
        for (let target = lb; target < long.schedule.makespan && optimum === null; target++) {
          const r = scheduleWithin(dag, target, tail, { nodeLimit: 5_000_000, deadline: performance.now() + 10_000 });
          if (r === undefined) break;
          if (r) optimum = target;
          else lb = target + 1;
        }
        if (optimum === null && long.schedule.makespan <= lb) optimum = long.schedule.makespan;
      }
    }
  }
  return { set, size, name: g.name ?? '', n: dag.n, workers: dag.workerCount, lb, optimum, heft: h.makespan, peft: p.makespan, best: b.schedule.makespan, bestProven: b.provenOptimal, heftMs, peftMs, bestMs, bestCpuMs };
}

const loadBefore = loadavg()[0]!;
const cpuBefore = process.cpuUsage();
const wallBefore = performance.now();
// Warm the JIT on graphs outside the measured sets, including the search paths (local and exact search,
// and the heterogeneous list scheduler).
for (let i = 0; i < 20; i++) {
  best(compileDag(stgGraph({ n: 100, workers: 2 + (i % 4) * 4, seed: 7000 + i })), bestOptions);
  best(compileDag(packedGraph({ n: 50 + (i % 2) * 50, workers: 4 + (i % 3) * 6, seed: 7000 + i })), bestOptions);
  best(compileDag(heterogeneousGraph({ n: 50 + (i % 2) * 50, fleets: 2 + (i % 5), seed: 7000 + i, ccr: [0.5, 1, 2][i % 3] })), bestOptions);
}

const rows: Row[] = [];
const log = (s: string) => process.stderr.write(s);
for (const n of [50, 100]) {
  for (const m of [2, 4, 8, 16]) {
    for (let seed = 1; seed <= seeds; seed++) {
      if (sets.has('stg')) rows.push(measure('stg', n, stgGraph({ n, workers: m, seed: seedBase + n * 1000 + m * 100 + seed }), true));
      if (sets.has('packed')) rows.push(measure('packed', n, packedGraph({ n, workers: m, seed: seedBase + n * 1000 + m * 100 + seed }), false));
    }
    log('.');
  }
}
for (const n of sets.has('het') ? [50, 100, 1000] : []) {
  for (let seed = 1; seed <= (n === 1000 ? Math.ceil(seeds / 2) : seeds); seed++) {
    // 1,000-task graphs on 8 fleets of 2 workers (16 in all); smaller ones on 2–6 fleets of 1–3 workers.
    const shape = n === 1000 ? { fleets: 8, workersPerFleet: 2 } : { fleets: 2 + (seed % 5) };
    rows.push(measure('het', n, heterogeneousGraph({ n, ...shape, seed: seedBase + n * 7 + seed, ccr: [0.5, 1, 2][seed % 3] }), false));
  }
  log('.');
}
for (const m of sets.has('large') ? [2, 4, 8, 16] : []) {
  for (let seed = 1; seed <= (quick ? 1 : 3); seed++) {
    rows.push(measure('large', 1000, stgGraph({ n: 1000, workers: m, seed: seedBase + 9000 + m * 10 + seed }), false));
    rows.push(measure('large', 1000, packedGraph({ n: 1000, workers: m, seed: seedBase + 9000 + m * 10 + seed }), false));
  }
  log('.');
}
log('\n');

const pct = (x: number) => `${(100 * x).toFixed(2)} %`;
const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
const quantile = (xs: number[], q: number) => {
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
};

function qualityTable(title: string, rs: Row[]): string {
  if (!rs.length) return '';
  const known = rs.filter((r) => r.optimum !== null);
  const lines = [`### ${title}: ${rs.length} graphs, optimum known for ${known.length}`, '', '| algorithm | mean above optimum | optimal | worst above optimum | mean above lower bound | worst above lower bound |', '|---|---|---|---|---|---|'];
  for (const alg of ['heft', 'peft', 'best'] as const) {
    const gapOpt = known.map((r) => r[alg] / r.optimum! - 1);
    const gapLb = rs.map((r) => r[alg] / r.lb - 1);
    const optimal = gapOpt.filter((g) => g < 1e-9).length;
    lines.push(`| ${alg === 'best' ? 'best (default)' : alg.toUpperCase()} | ${known.length ? pct(mean(gapOpt)) : '–'} | ${known.length ? `${optimal}/${known.length}` : '–'} | ${known.length ? pct(Math.max(...gapOpt)) : '–'} | ${pct(mean(gapLb))} | ${pct(Math.max(...gapLb))} |`);
  }
  return lines.join('\n');
}

function timeTable(rs: Row[]): string {
  const lines = [`### Time to schedule (ms; best's budget on ${wallBudget ? 'wall' : cpuBudget ? 'thread CPU' : 'thread CPU (capped at 3× on wall)'} time)`, '', '| graphs | count | HEFT mean | PEFT mean | best mean | best p95 | best max | best CPU max (thread) |', '|---|---|---|---|---|---|---|---|'];
  const groups = new Map<string, Row[]>();
  for (const r of rs) {
    const key = `${r.size} tasks, ${r.set === 'het' ? `heterogeneous${r.workers === 16 ? ', 16 workers' : ''}` : r.workers === 16 ? '16 identical workers' : '2–8 identical workers'}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  for (const [key, g] of [...groups].sort((a, b) => parseInt(a[0]) - parseInt(b[0]) || a[0].localeCompare(b[0]))) {
    const b = g.map((r) => r.bestMs);
    lines.push(`| ${key} | ${g.length} | ${mean(g.map((r) => r.heftMs)).toFixed(2)} | ${mean(g.map((r) => r.peftMs)).toFixed(2)} | ${mean(b).toFixed(1)} | ${quantile(b, 0.95).toFixed(1)} | ${Math.max(...b).toFixed(1)} | ${Math.max(...g.map((r) => r.bestCpuMs)).toFixed(1)} |`);
  }
  return lines.join('\n');
}

function missedTable(rs: Row[]): string {
  const missed = rs.filter((r) => r.best > r.optimum! + 1e-9).sort((x, y) => y.best / y.optimum! - x.best / x.optimum!);
  if (!missed.length) return '### Graphs with a known optimum that best missed: none';
  const lines = ['### Graphs with a known optimum that best missed', '', '| graph | tasks | workers | optimum | best | above | HEFT | best ms |', '|---|---|---|---|---|---|---|---|'];
  for (const r of missed) lines.push(`| ${r.name} | ${r.n} | ${r.workers} | ${r.optimum} | ${r.best} | ${pct(r.best / r.optimum! - 1)} | ${r.heft} | ${r.bestMs.toFixed(1)} |`);
  return lines.join('\n');
}

const cpu = process.cpuUsage(cpuBefore);
const cpuShare = (cpu.user + cpu.system) / 1000 / (performance.now() - wallBefore);
const bySet = (s: string) => rows.filter((r) => r.set === s);
const knownSmall = rows.filter((r) => (r.set === 'stg' || r.set === 'packed') && r.optimum !== null);
const report = [
  `## Scheduler benchmark (${new Date().toISOString().slice(0, 16)}Z, node ${process.version}${quick ? ', --quick' : ''}${wallBudget ? ', --wall-budget' : ''}${cpuBudget ? ', --cpu-budget' : ''}${seedBase ? `, --seed ${seedBase / 1_000_000} (held-out set)` : ''}${args.includes('--no-exact') ? ', --no-exact' : ''})`,
  '',
  // The default scheduler searches within a wall-clock budget: on a busy machine it gets less CPU in it.
  `Load average before: ${loadBefore.toFixed(2)}, after: ${loadavg()[0]!.toFixed(2)}; this process got ${(100 * cpuShare).toFixed(0)} % of a core over the run${cpuShare < 0.8 ? ' (contended: times are inflated and `best` searched less)' : ''}.`,
  '',
  qualityTable('Random graphs with known optima (stg + packed, 50/100 tasks, 2–16 identical workers)', knownSmall),
  '',
  qualityTable('stg: STG-style, 50/100 tasks, 2–16 identical workers', bySet('stg')),
  '',
  qualityTable('packed: optimum known by construction', bySet('packed')),
  '',
  qualityTable('het: heterogeneous fleets with transfer costs, 50/100/1,000 tasks (vs lower bound only)', bySet('het')),
  '',
  qualityTable('large: 1,000 tasks, 2–16 identical workers (stg + packed)', bySet('large')),
  '',
  timeTable(rows),
  '',
  missedTable(knownSmall),
].join('\n');
process.stdout.write(`${report}\n`);
if (jsonOut) writeFileSync(jsonOut, JSON.stringify(rows, null, 1));
