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
//   npm run bench:feedback [-- --requests 100 --calibration 10 --json]
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Agent } from '../../agent/agent';
import { AgentClient } from '../../agent/client';
import { defaultFleets, type FleetConfig } from '../../agent/fleets/config';
import type { InvocationRecord } from '../../agent/protocol';
import type { PlacementPolicy } from '../../agent/router/learning';
import type { FleetView, Placement, PlacementDecision } from '../../agent/router/placement';
import type { Codelet } from '../../server/analysis/metadata';

const { values } = parseArgs({ options: { requests: { type: 'string', default: '100' }, calibration: { type: 'string', default: '10' }, json: { type: 'boolean', default: false } } });
const REQUESTS = Number(values.requests);
const CALIBRATION = Number(values.calibration);
const EXAMPLES = path.resolve(__dirname, '../../examples');
const ENTRY = 'src/service.ts#handleReport';
const WINDOWS: [number, number][] = [[1, 20], [21, 50], [51, 100]];
const MIN_RUNS_FOR_ERROR = 10;
/** Codelets also measured as entries of their own, one at a time (no sibling steps sharing the cores). */
const ISOLATED_ENTRIES = ['src/loaders.ts#loadOrders', 'src/loaders.ts#loadEvents'];
const ISOLATED = 40;

function fleets(): FleetConfig[] {
  // Fixed size: scaling would add start-up waits that blur where a codelet runs fastest.
  return defaultFleets().map((f) => ({ ...f, scaling: { ...f.scaling, minWorkers: f.scaling.maxWorkers } }));
}

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
  const agent = await Agent.start({ workspace: EXAMPLES, stateDir: state, fleets: fleets(), placement });
  const client = new AgentClient(agent.url, agent.token);
  const records: InvocationRecord[] = [];
  try {
    for (let i = 0; i < requests; i++) {
      const r = await client.run({ entry: entries[i % entries.length]!, args: ['data'] });
      if (!r.ok) throw new Error(`request ${i + 1} failed: ${r.error!.message}`);
      records.push(...r.invocations.map((x) => ({ ...x, requestIndex: i + 1 }) as InvocationRecord));
    }
  } finally {
    await agent.close();
    rmSync(state, { recursive: true, force: true });
  }
  return records;
}

const median = (xs: number[]): number => {
  const s = xs.slice().sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2) : NaN;
};
const pct = (x: number): string => `${(100 * x).toFixed(1)} %`;
const requestIndex = (r: InvocationRecord): number => (r as InvocationRecord & { requestIndex: number }).requestIndex;

/** Error of predicted vs measured time, per codelet, once its model on that fleet had ≥ MIN_RUNS_FOR_ERROR runs;
 * beside it, for reference, a naive predictor: the median of the previous (≤ 32) runs on that fleet. */
function predictionErrors(records: InvocationRecord[]): { errors: Map<string, number[]>; naiveErrors: Map<string, number[]> } {
  const errors = new Map<string, number[]>();
  const naiveErrors = new Map<string, number[]>();
  const seen = new Map<string, number[]>();
  for (const r of records) {
    const key = `${r.codelet} ${r.fleet}`;
    const before = seen.get(key) ?? [];
    const c = r.explanation?.candidates.find((x) => x.fleet === r.fleet);
    if (r.ok && c && c.runs >= MIN_RUNS_FOR_ERROR && r.wallMs > 0) {
      errors.set(r.codelet, [...(errors.get(r.codelet) ?? []), Math.abs(c.expectedMs - r.wallMs) / r.wallMs]);
      const naive = median(before.slice(-32));
      naiveErrors.set(r.codelet, [...(naiveErrors.get(r.codelet) ?? []), Math.abs(naive - r.wallMs) / r.wallMs]);
    }
    if (r.ok) seen.set(key, [...before, r.wallMs]);
  }
  return { errors, naiveErrors };
}

async function main(): Promise<void> {
  process.chdir(EXAMPLES);
  const t0 = performance.now();
  const calibration = await serve(new RoundRobinPlacement(), CALIBRATION * fleets().length);
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
  const { errors, naiveErrors } = predictionErrors(learned);
  const isolatedRecords = await serve('learned', ISOLATED * ISOLATED_ENTRIES.length, ISOLATED_ENTRIES);
  const isolated = ISOLATED_ENTRIES.map((codelet) => {
    const e = predictionErrors(isolatedRecords);
    const xs = e.errors.get(codelet) ?? [];
    return { codelet, predictions: xs.length, medianError: xs.length ? median(xs) : null, naiveMedianError: e.naiveErrors.get(codelet)?.length ? median(e.naiveErrors.get(codelet)!) : null };
  });
  const perCodelet = [...truth].map(([codelet, t]) => {
    const e = errors.get(codelet) ?? [];
    const placedOn: Record<string, number> = {};
    for (const r of learned.filter((x) => x.codelet === codelet && requestIndex(x) > REQUESTS / 2)) placedOn[r.fleet] = (placedOn[r.fleet] ?? 0) + 1;
    return {
      codelet,
      calibratedMedianMs: Object.fromEntries(Object.entries(t.medians).map(([f, m]) => [f, Number(m.toFixed(3))])),
      best: t.best,
      placedInSecondHalf: placedOn,
      predictions: e.length,
      medianError: e.length ? median(e) : null,
      meanError: e.length ? e.reduce((s, x) => s + x, 0) / e.length : null,
      naiveMedianError: naiveErrors.get(codelet)?.length ? median(naiveErrors.get(codelet)!) : null,
    };
  });
  const loadAverage = os.loadavg().map((x) => Number(x.toFixed(2)));
  const result = { affinitySlowdown, loadAverage, cores: os.availableParallelism(), isolated, requests: REQUESTS, calibrationRequests: calibration.length ? CALIBRATION * fleets().length : 0, fleets: fleets().map((f) => f.id), windows, perCodelet, seconds: (performance.now() - t0) / 1000 };
  if (values.json) {
    process.stdout.write(JSON.stringify(result) + '\n');
    return;
  }
  console.log(`bench:feedback — ${ENTRY} ["data"], fleets ${result.fleets.join(', ')} (fixed size); calibration ${result.calibrationRequests} requests, learned ${REQUESTS}`);
  console.log('share of placements on the best fleet (calibrated), learned placement:');
  for (const w of windows) console.log(`  requests ${w.requests.padEnd(7)} ${String(w.placements).padStart(4)} placements  best ${pct(w.onBest).padStart(7)}  within 10 % of best ${pct(w.withinTenPercent).padStart(7)}  explored ${pct(w.explored).padStart(7)}  calibrated time vs best ×${w.slowdown.toFixed(2)}`);
  console.log(`  class-affinity placement, 20 requests, for comparison: calibrated time vs best ×${affinitySlowdown.toFixed(2)}`);
  console.log(`predicted vs measured execution time, once a codelet has ≥ ${MIN_RUNS_FOR_ERROR} runs on the fleet (goal ≤ 15 %):`);
  for (const c of perCodelet) {
    const med = Object.entries(c.calibratedMedianMs).map(([f, m]) => `${f} ${m}`).join(', ');
    console.log(`  ${c.codelet.padEnd(38)} median error ${c.medianError === null ? '   n/a' : pct(c.medianError).padStart(7)}  mean ${c.meanError === null ? 'n/a' : pct(c.meanError)}  (${c.predictions} predictions; median of previous runs would be off ${c.naiveMedianError === null ? 'n/a' : pct(c.naiveMedianError)})`);
    console.log(`      calibrated median ms: ${med}; best ${c.best}; 2nd half placed on ${JSON.stringify(c.placedInSecondHalf)}`);
  }
  console.log(`the same, for codelets requested on their own (${ISOLATED} requests each, one at a time):`);
  for (const c of isolated) {
    console.log(`  ${c.codelet.padEnd(38)} median error ${c.medianError === null ? '   n/a' : pct(c.medianError).padStart(7)}  (${c.predictions} predictions; median of previous runs would be off ${c.naiveMedianError === null ? 'n/a' : pct(c.naiveMedianError)})`);
  }
  console.log(`(${result.seconds.toFixed(1)} s; load average ${loadAverage.join(' ')} on ${result.cores} cores: other work on the machine moves every figure)`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
