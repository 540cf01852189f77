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
//    each run (its co-load, its input) can do better;
//  - one that knows, in hindsight, how long each sibling codelet of the request overlapped the run (a
//    least-squares fit of log time on those overlaps over the previous ≤ 32 runs): whether knowing the
//    co-load, better than any placement-time signal could, would explain the spread;
//  - the error of the estimate itself: the prediction against the median of the 9 runs of that codelet on
//    that fleet around it (how far the learned number is from the codelet's typical time then), beside the
//    headline's per-run error.
import type { InvocationRecord } from '../../agent/protocol';
import { ModelStore, typicalValue } from '../../agent/router/models';

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
  /** Median error of a fit on the actual overlaps with sibling codelets (hindsight). */
  overlapOracleMedianError: number | null;
  /** Median error of the agent's prediction against the median of the 9 runs around it. */
  estimateMedianError: number | null;
}

/**
 * Errors of every run against the one number that fits a fleet's runs best (minimum median error): the
 * models' own typical value, taken over all the runs at once.
 */
function hindsightErrors(walls: readonly number[]): number[] {
  const best = typicalValue(walls);
  return walls.map((w) => relErr(best, w));
}

/** Appends to a map of lists. */
const push = <T>(m: Map<string, T[]>, k: string, x: T): void => {
  const list = m.get(k);
  if (list) list.push(x);
  else m.set(k, [x]);
};

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

  const oracle = overlapOracleErrors(ok);
  const estimate = estimateErrors(ok);
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
      overlapOracleMedianError: medianOrNull(oracle.get(codelet) ?? []),
      estimateMedianError: medianOrNull(estimate.get(codelet) ?? []),
      hindsightFloor: medianOrNull(
        [...new Set(runs.map((r) => r.fleet))].flatMap((f) => {
          const walls = runs.filter((r) => r.fleet === f).map((r) => r.wallMs);
          return walls.length >= MIN_RUNS ? hindsightErrors(walls) : [];
        }),
      ),
    };
  });
}

/** Per codelet: the agent's prediction against the median of the 9 runs (same codelet and fleet) around it. */
function estimateErrors(ok: readonly BenchRecord[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  const byKey = new Map<string, BenchRecord[]>();
  for (const r of ok) push(byKey, `${r.codelet} ${r.fleet}`, r);
  for (const runs of byKey.values()) {
    runs.forEach((r, i) => {
      const c = r.explanation?.candidates.find((x) => x.fleet === r.fleet);
      if (!c || c.runs < MIN_RUNS) return;
      const around = runs.slice(Math.max(0, i - 4), i + 5).map((x) => x.wallMs);
      if (around.length < 5) return;
      push(out, r.codelet, relErr(c.expectedMs, median(around)));
    });
  }
  return out;
}

/**
 * Per codelet: errors of a predictor that knows, in hindsight, for how much of each run every sibling codelet
 * of the same request ran too, fitted (log time against those shares, least squares with a small ridge) on
 * the previous ≤ 32 runs of that codelet on that fleet.
 */
function overlapOracleErrors(ok: readonly BenchRecord[]): Map<string, number[]> {
  const names = [...new Set(ok.map((r) => r.codelet))];
  const byRequest = new Map<string, BenchRecord[]>();
  for (const r of ok) push(byRequest, r.requestId, r);
  const overlaps = (r: BenchRecord): number[] => {
    const f = names.map(() => 0);
    const span = r.end - r.start;
    if (span <= 0) return f;
    for (const o of byRequest.get(r.requestId)!) {
      if (o === r) continue;
      const shared = Math.min(o.end, r.end) - Math.max(o.start, r.start);
      if (shared > 0) f[names.indexOf(o.codelet)]! += shared / span;
    }
    return f;
  };
  const out = new Map<string, number[]>();
  const history = new Map<string, { x: number[]; y: number }[]>();
  for (const r of ok.slice().sort((a, b) => a.start - b.start)) {
    const key = `${r.codelet} ${r.fleet}`;
    const before = history.get(key) ?? [];
    const x = overlaps(r);
    if (before.length >= MIN_RUNS) {
      const w = ridge(before.slice(-32), 0.5);
      const predicted = Math.exp(w[0]! + x.reduce((s, v, i) => s + v * w[i + 1]!, 0));
      push(out, r.codelet, relErr(predicted, r.wallMs));
    }
    history.set(key, [...before, { x, y: Math.log(r.wallMs) }]);
  }
  return out;
}

/** Least squares of y on [1, x…] with `lambda` added to the diagonal for the x terms (Gaussian elimination). */
function ridge(rows: readonly { x: number[]; y: number }[], lambda: number): number[] {
  const p = rows[0]!.x.length + 1;
  const a = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  const b = new Array<number>(p).fill(0);
  for (const { x, y } of rows) {
    const v = [1, ...x];
    for (let i = 0; i < p; i++) {
      b[i]! += v[i]! * y;
      for (let j = 0; j < p; j++) a[i]![j]! += v[i]! * v[j]!;
    }
  }
  for (let i = 1; i < p; i++) a[i]![i]! += lambda;
  for (let i = 0; i < p; i++) {
    let pivot = i;
    for (let k = i + 1; k < p; k++) if (Math.abs(a[k]![i]!) > Math.abs(a[pivot]![i]!)) pivot = k;
    [a[i], a[pivot]] = [a[pivot]!, a[i]!];
    [b[i], b[pivot]] = [b[pivot]!, b[i]!];
    for (let k = i + 1; k < p; k++) {
      const f = a[k]![i]! / a[i]![i]!;
      for (let j = i; j < p; j++) a[k]![j]! -= f * a[i]![j]!;
      b[k]! -= f * b[i]!;
    }
  }
  const w = new Array<number>(p).fill(0);
  for (let i = p - 1; i >= 0; i--) {
    let s = b[i]!;
    for (let j = i + 1; j < p; j++) s -= a[i]![j]! * w[j]!;
    w[i] = s / a[i]![i]!;
  }
  return w;
}

/** All headline errors pooled (every prediction of every codelet), and the same for the naive predictor. */
export function pooled(records: readonly BenchRecord[]): { predictions: number; medianError: number | null; naiveMedianError: number | null; estimateMedianError: number | null } {
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
  const ok = records.filter((r) => r.ok && r.wallMs > 0);
  return { predictions: all.length, medianError: medianOrNull(all), naiveMedianError: medianOrNull(naive), estimateMedianError: medianOrNull([...estimateErrors(ok).values()].flat()) };
}
