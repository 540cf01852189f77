// The prediction-error figures of bench:feedback. The headline is the agent's own prediction (the placement
// explanation's expectedMs for the chosen fleet, made before the run) against the measured wall time, once
// that codelet had ≥ MIN_RUNS runs on that fleet. Beside it, to tell model error from what cannot be
// predicted:
//  - naive: the median of the previous ≤ 32 runs on that fleet;
//  - replays of the same invocations through a fresh ModelStore (same code as the agent, fed in the order
//    the runs finished, asked at each placement), without and with a contention factor from what was known
//    at placement: the invocations running on every fleet (threads wanting a core) or the machine's CPU
//    pressure (Linux PSI: share of time some thread waited for a core);
//  - the error split by whether anything else ran at placement, and the codelet's CPU share (CPU- or
//    wait-dominated);
//  - a floor for any predictor that gives one number per codelet and fleet: the best such number chosen in
//    hindsight, knowing every run. Only a predictor that tracks change over time or knows something about
//    each run (its co-load, its input) can do better.
import type { InvocationRecord } from '../../agent/protocol';
import { ModelStore } from '../../agent/router/models';

export const MIN_RUNS = 10;

/** What was known when the invocation was placed (recorded by the bench around the agent's placement). */
export interface Signals {
  running: Record<string, number>;
  queued: Record<string, number>;
  cpuPressure: number | null;
  at: number;
}

export type BenchRecord = InvocationRecord & { requestIndex: number; signals?: Signals };

export interface CodeletErrors {
  codelet: string;
  predictions: number;
  /** Headline: the agent's prediction. */
  medianError: number | null;
  meanError: number | null;
  naiveMedianError: number | null;
  replayMedianError: number | null;
  replayContentionMedianError: number | null;
  replayPressureMedianError: number | null;
  /** Headline error of invocations placed while nothing else ran, and while something did. */
  alone: { predictions: number; medianError: number | null };
  beside: { predictions: number; medianError: number | null };
  /** Median CPU time / wall time of its runs. */
  cpuShare: number | null;
  /** Median error of the best constant per fleet chosen in hindsight (fleets with ≥ MIN_RUNS runs). */
  hindsightFloor: number | null;
}

/** Errors of every run against the one number that fits a fleet's runs best (minimum median error). */
function hindsightErrors(walls: readonly number[]): number[] {
  let best: number[] = [];
  let bestMedian = Infinity;
  for (const p of walls) {
    const errors = walls.map((w) => relErr(p, w));
    const m = median(errors);
    if (m < bestMedian) [best, bestMedian] = [errors, m];
  }
  return best;
}

export const median = (xs: readonly number[]): number => {
  const s = xs.slice().sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2) : NaN;
};
const medianOrNull = (xs: readonly number[]): number | null => (xs.length ? median(xs) : null);
const relErr = (predicted: number, measured: number): number => Math.abs(predicted - measured) / measured;

/** Threads wanting a core at placement per core (this one, the others running, the agent's own thread). */
function contentionOf(s: Signals | undefined, cores: number): number | null {
  if (!s) return null;
  const running = Object.values(s.running).reduce((a, b) => a + b, 0);
  return Math.max(1, (running + 2) / cores);
}

export function predictionErrors(records: readonly BenchRecord[], cores: number): CodeletErrors[] {
  const ok = records.filter((r) => r.ok && r.wallMs > 0);
  const headline = new Map<string, number[]>();
  const naive = new Map<string, number[]>();
  const alone = new Map<string, number[]>();
  const beside = new Map<string, number[]>();
  const push = (m: Map<string, number[]>, k: string, x: number) => m.set(k, [...(m.get(k) ?? []), x]);
  const seen = new Map<string, number[]>();
  for (const r of ok) {
    const key = `${r.codelet} ${r.fleet}`;
    const before = seen.get(key) ?? [];
    const c = r.explanation?.candidates.find((x) => x.fleet === r.fleet);
    if (c && c.runs >= MIN_RUNS) {
      const e = relErr(c.expectedMs, r.wallMs);
      push(headline, r.codelet, e);
      push(naive, r.codelet, relErr(median(before.slice(-32)), r.wallMs));
      if (r.signals) {
        const others = Object.values(r.signals.running).reduce((a, b) => a + b, 0);
        push(others === 0 ? alone : beside, r.codelet, e);
      }
    }
    seen.set(key, [...before, r.wallMs]);
  }

  // Replays: observe each run once it has finished, predict each at its placement.
  const plain = new Map<string, number[]>();
  const contended = new Map<string, number[]>();
  const pressured = new Map<string, number[]>();
  const store = new ModelStore();
  const byEnd = ok.slice().sort((a, b) => a.end - b.end);
  const byPlacement = ok.slice().sort((a, b) => a.enqueued - b.enqueued);
  const factors = new Map<string, { contention: number[]; pressure: number[] }>();
  let next = 0;
  for (const r of byPlacement) {
    for (; next < byEnd.length && byEnd[next]!.end < r.enqueued; next++) {
      const o = byEnd[next]!;
      store.observe({ codelet: o.codelet, fleet: o.fleet, ms: o.wallMs, cpuMs: o.cpuMs, waitMs: o.ioWaitMs, at: o.end });
      const key = `${o.codelet} ${o.fleet}`;
      const f = factors.get(key) ?? { contention: [], pressure: [] };
      factors.set(key, f);
      const c = contentionOf(o.signals, cores);
      if (c !== null) f.contention.push(c);
      if (o.signals?.cpuPressure != null) f.pressure.push(1 + o.signals.cpuPressure);
    }
    if (!store.has(r.codelet, r.fleet) || store.model(r.codelet, r.fleet).runs < MIN_RUNS) continue;
    push(plain, r.codelet, relErr(store.predict(r.codelet, r.fleet).ms, r.wallMs));
    const f = factors.get(`${r.codelet} ${r.fleet}`);
    const c = contentionOf(r.signals, cores);
    // Relative to the contention the model's recent runs were placed at.
    if (f && c !== null && f.contention.length) push(contended, r.codelet, relErr(store.predict(r.codelet, r.fleet, { contention: c / median(f.contention.slice(-8)) }).ms, r.wallMs));
    if (f && r.signals?.cpuPressure != null && f.pressure.length) {
      push(pressured, r.codelet, relErr(store.predict(r.codelet, r.fleet, { contention: (1 + r.signals.cpuPressure) / median(f.pressure.slice(-8)) }).ms, r.wallMs));
    }
  }

  const codelets = [...new Set(ok.map((r) => r.codelet))];
  return codelets.map((codelet) => {
    const e = headline.get(codelet) ?? [];
    const runs = ok.filter((r) => r.codelet === codelet);
    return {
      codelet,
      predictions: e.length,
      medianError: medianOrNull(e),
      meanError: e.length ? e.reduce((s, x) => s + x, 0) / e.length : null,
      naiveMedianError: medianOrNull(naive.get(codelet) ?? []),
      replayMedianError: medianOrNull(plain.get(codelet) ?? []),
      replayContentionMedianError: medianOrNull(contended.get(codelet) ?? []),
      replayPressureMedianError: medianOrNull(pressured.get(codelet) ?? []),
      alone: { predictions: alone.get(codelet)?.length ?? 0, medianError: medianOrNull(alone.get(codelet) ?? []) },
      beside: { predictions: beside.get(codelet)?.length ?? 0, medianError: medianOrNull(beside.get(codelet) ?? []) },
      cpuShare: medianOrNull(runs.map((r) => Math.min(1, r.cpuMs / r.wallMs))),
      hindsightFloor: medianOrNull(
        [...new Set(runs.map((r) => r.fleet))].flatMap((f) => {
          const walls = runs.filter((r) => r.fleet === f).map((r) => r.wallMs);
          return walls.length >= MIN_RUNS ? hindsightErrors(walls) : [];
        }),
      ),
    };
  });
}

/** All headline errors pooled (every prediction of every codelet), and the same for the naive predictor. */
export function pooled(records: readonly BenchRecord[]): { predictions: number; medianError: number | null; naiveMedianError: number | null } {
  const all: number[] = [];
  const naive: number[] = [];
  const seen = new Map<string, number[]>();
  for (const r of records) {
    if (!r.ok || !(r.wallMs > 0)) continue;
    const key = `${r.codelet} ${r.fleet}`;
    const before = seen.get(key) ?? [];
    const c = r.explanation?.candidates.find((x) => x.fleet === r.fleet);
    if (c && c.runs >= MIN_RUNS) {
      all.push(relErr(c.expectedMs, r.wallMs));
      naive.push(relErr(median(before.slice(-32)), r.wallMs));
    }
    seen.set(key, [...before, r.wallMs]);
  }
  return { predictions: all.length, medianError: medianOrNull(all), naiveMedianError: medianOrNull(naive) };
}
