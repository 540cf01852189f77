// bench:feedback — the feedback loop on the real agent with the example (examples/src/service.ts#handleReport,
// args ["data"], the real analyser, the default fleets at fixed size, over HTTP):
//  1. calibration: an agent whose placement sends each codelet to every fleet in turn, to measure where
//     each codelet really runs fastest (median wall time per fleet);
//  2. learning: a fresh agent with the learned placement (default settings) serves REQUESTS requests one
//     after another; we report the share of placements on the best fleet (and within 10 % of it) in the
//     first 20, requests 21–50 and 51–100, and the error of the predicted execution time (the explanation's
//     expectedMs for the chosen fleet) against the measured one, once that codelet has ≥ 10 runs there;
//     beside them, the mean slowdown (calibrated time on the chosen fleet / on the best) and the same for
//     the class-affinity policy (20 requests).
//  3. the two loaders requested on their own (no sibling steps sharing the cores), same error measure.
// Beside the headline error (prediction.ts): a naive predictor, replays of the same runs through a fresh
// model store with a contention factor from what was known at placement (threads running on every fleet,
// the machine's CPU pressure), and the error split by whether anything else ran at placement. The bench
// records those signals by wrapping the learned placement (its `place` and request plans' `place`).
//   npm run bench:feedback [-- --requests 100 --calibration 10 --json --dump records.json]
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Agent } from '../../agent/agent';
import { AgentClient } from '../../agent/client';
import { fixedSizeDefaultFleets } from '../fixed-fleets';
import type { InvocationRecord } from '../../agent/protocol';
import type { PlacementPolicy } from '../../agent/router/learning';
import type { FleetView, Placement, PlacementDecision } from '../../agent/router/placement';
import type { Codelet } from '../../server/analysis/metadata';
import { MIN_RUNS, median, pooled, predictionErrors, type BenchRecord, type CodeletErrors, type Signals } from './prediction';

const { values } = parseArgs({ options: { requests: { type: 'string', default: '100' }, calibration: { type: 'string', default: '10' }, json: { type: 'boolean', default: false }, dump: { type: 'string' } } });
const REQUESTS = Number(values.requests);
const CALIBRATION = Number(values.calibration);
const EXAMPLES = path.resolve(__dirname, '../../examples');
const ENTRY = 'src/service.ts#handleReport';
const WINDOWS: [number, number][] = [[1, 20], [21, 50], [51, 100]];
/** Codelets also measured as entries of their own, one at a time (no sibling steps sharing the cores). */
const ISOLATED_ENTRIES = ['src/loaders.ts#loadOrders', 'src/loaders.ts#loadEvents'];
const ISOLATED = 40;

/** Sends each codelet to every fleet in turn (calibration only). */
class RoundRobinPlacement implements Placement {
  private readonly next = new Map<string, number>();
  place(codelet: Codelet, views: readonly FleetView[]): PlacementDecision {
    // Each codelet starts its turns at a different fleet, so one request's codelets spread over the fleets.
    const i = this.next.get(codelet.id) ?? this.next.size;
    this.next.set(codelet.id, i + 1);
    const f = views[i % views.length]!;
    return { fleet: f.id, reason: `calibration: turn ${i} → ${f.id}` };
  }
}

async function serve(placement: Placement | PlacementPolicy, requests: number, entries: string[] = [ENTRY]): Promise<InvocationRecord[]> {
  const state = mkdtempSync(path.join(os.tmpdir(), 'codelets-bench-feedback-'));
  const agent = await Agent.start({ workspace: EXAMPLES, stateDir: state, fleets: fixedSizeDefaultFleets(), placement });
  const client = new AgentClient(agent.url, agent.token);
  const records: InvocationRecord[] = [];
  // What was known at each placement (for the diagnostics): invocations running and queued on every fleet,
  // and the machine's CPU pressure just before.
  const atPlacement = new WeakMap<object, Signals>();
  const byId = new Map<string, Signals>();
  const learned = agent.placement.learned;
  if (learned) {
    const place = learned.place.bind(learned);
    learned.place = (codelet, views) => {
      const signals = sampleSignals(views);
      const d = place(codelet, views);
      atPlacement.set(d.explanation, signals);
      return d;
    };
    // A decomposed request is placed through its plan: record there too.
    const planRequest = learned.planRequest.bind(learned);
    learned.planRequest = (steps, views) => {
      const plan = planRequest(steps, views);
      if (plan) {
        const placeStep = plan.place.bind(plan);
        plan.place = (step, codelet, fleetViews) => {
          const signals = sampleSignals(fleetViews);
          const d = placeStep(step, codelet, fleetViews);
          atPlacement.set(d.explanation, signals);
          return d;
        };
      }
      return plan;
    };
    agent.monitor.on('invocation', (r) => {
      const s = r.explanation && atPlacement.get(r.explanation);
      if (s) byId.set(r.id, s);
    });
  }
  try {
    for (let i = 0; i < requests; i++) {
      const r = await client.run({ entry: entries[i % entries.length]!, args: ['data'] });
      if (!r.ok) throw new Error(`request ${i + 1} failed: ${r.error!.message}`);
      records.push(...r.invocations.map((x) => ({ ...x, requestIndex: i + 1, signals: byId.get(x.id) }) as InvocationRecord));
    }
  } finally {
    await agent.close();
    rmSync(state, { recursive: true, force: true });
  }
  return records;
}

let psiLast: { at: number; total: number } | null = null;
let psiRate: number | null = null;
function sampleSignals(views: readonly FleetView[]): Signals {
  const running: Record<string, number> = {};
  const queued: Record<string, number> = {};
  for (const v of views) {
    const s = (v as unknown as { status(): { running: number; queueDepth: number } }).status();
    running[v.id] = s.running;
    queued[v.id] = s.queueDepth;
  }
  const at = performance.now();
  try {
    const total = Number(/some avg10=\S+ avg60=\S+ avg300=\S+ total=(\d+)/.exec(readFileSync('/proc/pressure/cpu', 'utf8'))![1]);
    if (psiLast && at - psiLast.at >= 100) {
      psiRate = (total - psiLast.total) / 1000 / (at - psiLast.at);
      psiLast = { at, total };
    } else if (!psiLast) psiLast = { at, total };
  } catch {
    psiRate = null;
  }
  return { running, queued, cpuPressure: psiRate, at };
}

const pct = (x: number): string => `${(100 * x).toFixed(1)} %`;
const requestIndex = (r: InvocationRecord): number => (r as InvocationRecord & { requestIndex: number }).requestIndex;

async function main(): Promise<void> {
  process.chdir(EXAMPLES);
  const t0 = performance.now();
  const loadAverageAtStart = os.loadavg().map((x) => Number(x.toFixed(2)));
  const calibration = await serve(new RoundRobinPlacement(), CALIBRATION * fixedSizeDefaultFleets().length);
  // Median wall time of each codelet on each fleet.
  const times = new Map<string, Map<string, number[]>>();
  for (const r of calibration) {
    if (!r.ok) continue;
    const byFleet = times.get(r.codelet) ?? new Map<string, number[]>();
    times.set(r.codelet, byFleet);
    byFleet.set(r.fleet, [...(byFleet.get(r.fleet) ?? []), r.wallMs]);
  }
  const truth = new Map<string, { best: string; near: Set<string>; medians: Record<string, number> }>();
  for (const [codelet, byFleet] of times) {
    const medians = Object.fromEntries([...byFleet].map(([f, xs]) => [f, median(xs)]));
    const best = Object.entries(medians).sort((a, b) => a[1] - b[1])[0]!;
    truth.set(codelet, { best: best[0], near: new Set(Object.entries(medians).filter(([, m]) => m <= best[1] * 1.1).map(([f]) => f)), medians });
  }

  /** Calibrated time on the chosen fleet over calibrated time on the best one, mean over placements. */
  const slowdown = (rs: InvocationRecord[]): number => {
    const xs = rs.filter((r) => truth.get(r.codelet)!.medians[r.fleet] !== undefined).map((r) => {
      const t = truth.get(r.codelet)!;
      return t.medians[r.fleet]! / Math.max(1e-6, t.medians[t.best]!);
    });
    return xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  };
  const learned = await serve('learned', REQUESTS);
  const windows = WINDOWS.filter(([from]) => from <= REQUESTS).map(([from, to]) => {
    const inWindow = learned.filter((r) => requestIndex(r) >= from && requestIndex(r) <= to && truth.has(r.codelet));
    return {
      requests: `${from}-${Math.min(to, REQUESTS)}`,
      placements: inWindow.length,
      onBest: inWindow.filter((r) => truth.get(r.codelet)!.best === r.fleet).length / Math.max(1, inWindow.length),
      withinTenPercent: inWindow.filter((r) => truth.get(r.codelet)!.near.has(r.fleet)).length / Math.max(1, inWindow.length),
      explored: inWindow.filter((r) => r.explanation?.explored).length / Math.max(1, inWindow.length),
      slowdown: slowdown(inWindow),
    };
  });
  // For comparison: the class-affinity policy on the same fleets.
  const affinity = await serve('class-affinity', 20);
  const affinitySlowdown = slowdown(affinity.filter((r) => truth.has(r.codelet)));
  // Prediction error: predicted (before the run) vs measured, once the model of that codelet on that fleet had ≥ 10 runs.
  const cores = os.availableParallelism();
  const errors = new Map(predictionErrors(learned as BenchRecord[], cores).map((e) => [e.codelet, e]));
  const isolatedRecords = await serve('learned', ISOLATED * ISOLATED_ENTRIES.length, ISOLATED_ENTRIES);
  const isolatedErrors = new Map(predictionErrors(isolatedRecords as BenchRecord[], cores).map((e) => [e.codelet, e]));
  const isolated = ISOLATED_ENTRIES.map((codelet) => isolatedErrors.get(codelet)!).filter(Boolean);
  const perCodelet = [...truth].map(([codelet, t]) => {
    const placedOn: Record<string, number> = {};
    for (const r of learned.filter((x) => x.codelet === codelet && requestIndex(x) > REQUESTS / 2)) placedOn[r.fleet] = (placedOn[r.fleet] ?? 0) + 1;
    return {
      ...errors.get(codelet)!,
      codelet,
      calibratedMedianMs: Object.fromEntries(Object.entries(t.medians).map(([f, m]) => [f, Number(m.toFixed(3))])),
      best: t.best,
      placedInSecondHalf: placedOn,
    };
  });
  const pooledErrors = { dag: pooled(learned as BenchRecord[]), isolated: pooled(isolatedRecords as BenchRecord[]) };
  if (values.dump) writeFileSync(values.dump, JSON.stringify({ calibration, learned, isolated: isolatedRecords }));
  const loadAverage = os.loadavg().map((x) => Number(x.toFixed(2)));
  const result = { affinitySlowdown, loadAverageAtStart, loadAverage, cores, isolated, pooledErrors, requests: REQUESTS, calibrationRequests: calibration.length ? CALIBRATION * fixedSizeDefaultFleets().length : 0, fleets: fixedSizeDefaultFleets().map((f) => f.id), windows, perCodelet, seconds: (performance.now() - t0) / 1000 };
  if (values.json) {
    process.stdout.write(JSON.stringify(result) + '\n');
    return;
  }
  console.log(`bench:feedback — ${ENTRY} ["data"], fleets ${result.fleets.join(', ')} (fixed size); calibration ${result.calibrationRequests} requests, learned ${REQUESTS}`);
  console.log('share of placements on the best fleet (calibrated), learned placement:');
  for (const w of windows) console.log(`  requests ${w.requests.padEnd(7)} ${String(w.placements).padStart(4)} placements  best ${pct(w.onBest).padStart(7)}  within 10 % of best ${pct(w.withinTenPercent).padStart(7)}  explored ${pct(w.explored).padStart(7)}  calibrated time vs best ×${w.slowdown.toFixed(2)}`);
  console.log(`  class-affinity placement, 20 requests, for comparison: calibrated time vs best ×${affinitySlowdown.toFixed(2)}`);
  console.log(`predicted vs measured execution time, once a codelet has ≥ ${MIN_RUNS} runs on the fleet (goal ≤ 15 %), median per codelet:`);
  console.log(`  ${'codelet'.padEnd(38)} ${'agent'.padStart(7)} ${'naive'.padStart(7)} ${'replay'.padStart(7)} ${'+cont.'.padStart(7)} ${'+PSI'.padStart(7)} ${'overlap'.padStart(7)} ${'floor'.padStart(7)} ${'typical'.padStart(7)}  ${'alone'.padStart(12)} ${'beside'.padStart(12)}  cpu share  n`);
  const row = (c: CodeletErrors): string => {
    const f = (x: number | null) => (x === null ? 'n/a' : pct(x)).padStart(7);
    const g = (x: { predictions: number; medianError: number | null }) => `${f(x.medianError)} (${String(x.predictions).padStart(2)})`;
    return `  ${c.codelet.padEnd(38)} ${f(c.medianError)} ${f(c.naiveMedianError)} ${f(c.replayMedianError)} ${f(c.replayContentionMedianError)} ${f(c.replayPressureMedianError)} ${f(c.overlapOracleMedianError)} ${f(c.hindsightFloor)} ${f(c.estimateMedianError)}  ${g(c.alone)} ${g(c.beside)}  ${c.cpuShare === null ? 'n/a' : pct(c.cpuShare).padStart(7)}  ${c.predictions}`;
  };
  for (const c of perCodelet) console.log(row(c));
  const p = (x: ReturnType<typeof pooled>) =>
    `${x.medianError === null ? 'n/a' : pct(x.medianError)} (naive ${x.naiveMedianError === null ? 'n/a' : pct(x.naiveMedianError)}, ${x.predictions} predictions); estimate vs the typical run ${x.estimateMedianError === null ? 'n/a' : pct(x.estimateMedianError)}`;
  console.log(`  all predictions pooled: ${p(pooledErrors.dag)}`);
  console.log(`the same, for codelets requested on their own (${ISOLATED} requests each, one at a time):`);
  for (const c of isolated) console.log(row(c));
  console.log(`  all predictions pooled: ${p(pooledErrors.isolated)}`);
  console.log('  agent = the placement\'s expectedMs (headline); naive = median of the previous ≤ 32 runs; replay = the same runs through a');
  console.log('  fresh model store, as is / with the CPU part scaled by the threads running at placement (+cont.) / by CPU pressure (+PSI);');
  console.log('  overlap = a fit on how long each sibling codelet actually overlapped each run (hindsight: more than placement can know);');
  console.log('  floor = the best single number per codelet and fleet, chosen in hindsight knowing every run (the best any predictor');
  console.log('  can do that neither tracks change over time nor knows something about each run);');
  console.log('  typical = the agent\'s prediction against the median of the 9 runs around it (the estimate\'s error, not one run\'s);');
  console.log('  alone / beside = agent error when nothing else / something else ran at placement (predictions)');
  for (const c of perCodelet) {
    const med = Object.entries(c.calibratedMedianMs).map(([f, m]) => `${f} ${m}`).join(', ');
    console.log(`  ${c.codelet}: calibrated median ms: ${med}; best ${c.best}; 2nd half placed on ${JSON.stringify(c.placedInSecondHalf)}`);
  }
  console.log(`(${result.seconds.toFixed(1)} s; load average ${loadAverageAtStart.join(' ')} at start, ${loadAverage.join(' ')} at end, on ${result.cores} cores: other work on the machine moves every figure)`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
