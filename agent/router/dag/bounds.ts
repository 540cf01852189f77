// Lower bounds on the makespan of any schedule of a graph. `best` stops searching as soon as a schedule
// meets one (it is then provably optimal); the benchmark reports the gap to them.
// Every bound relaxes the same way: each task takes its fastest execution time and transfers cost nothing
// (two tasks may share a worker), so they hold on heterogeneous fleets too.
import type { Dag } from './graph';
import { minCost } from './ranks';

export interface LowerBounds {
  /** Longest path with fastest execution times. */
  criticalPath: number;
  /** Total fastest work / number of workers. */
  work: number;
  /** Energetic reasoning over time windows (0 when not computed). */
  energetic: number;
  /** The largest of them (rounded up when all costs are integers). */
  best: number;
}

/** Heads (earliest start) and tails (time still needed after finishing) with fastest times. */
export function headsAndTails(dag: Dag, p: Float64Array = minCost(dag)): { head: Float64Array; tail: Float64Array } {
  const { n, topo, predStart, pred, succStart, succ } = dag;
  const head = new Float64Array(n);
  const tail = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t = topo[i]!;
    let h = 0;
    for (let k = predStart[t]!; k < predStart[t + 1]!; k++) h = Math.max(h, head[pred[k]!]! + p[pred[k]!]!);
    head[t] = h;
  }
  for (let i = n - 1; i >= 0; i--) {
    const t = topo[i]!;
    let q = 0;
    for (let k = succStart[t]!; k < succStart[t + 1]!; k++) q = Math.max(q, tail[succ[k]!]! + p[succ[k]!]!);
    tail[t] = q;
  }
  return { head, tail };
}

function allIntegers(dag: Dag): boolean {
  for (const c of dag.cost) if (c !== Infinity && !Number.isInteger(c)) return false;
  return true;
}

/**
 * Is a makespan of T impossible by energetic reasoning? For every window [a, b], the part of each task
 * that must run inside it (given it starts no earlier than its head and finishes by T - tail) cannot
 * exceed workers × (b - a).
 */
function energeticInfeasible(T: number, p: Float64Array, head: Float64Array, tail: Float64Array, workers: number, as: Float64Array, bs: Float64Array, deadline: number, clock: () => number): boolean | undefined {
  const n = p.length;
  for (let j = 0; j < n; j++) bs[j] = T - tail[j]!;
  const bsSorted = Float64Array.from(new Set(bs)).sort();
  for (let i = 0; i < as.length; i++) {
    if ((i & 7) === 7 && clock() > deadline) return undefined;
    const a = as[i]!;
    for (let k = 0; k < bsSorted.length; k++) {
      const b = bsSorted[k]!;
      if (b <= a) continue;
      const capacity = workers * (b - a);
      let need = 0;
      for (let j = 0; j < n; j++) {
        const pj = p[j]!;
        if (pj === 0) continue;
        const r = head[j]!;
        const d = T - tail[j]!;
        // Left-shifted and right-shifted overlap with [a, b]; the task must occupy at least the smaller.
        const left = Math.min(b, r + pj) - Math.max(a, r);
        const right = Math.min(b, d) - Math.max(a, d - pj);
        const m = Math.min(left, right, pj, b - a);
        if (m > 0) need += m;
      }
      if (need > capacity + 1e-9) return true;
    }
  }
  return false;
}

export interface BoundOptions {
  /** Skip energetic reasoning above this many tasks (it is O(n³) per probe). Default 400. */
  energeticMaxTasks?: number;
  /** An upper bound (a known schedule's makespan) to search the energetic bound below. */
  upper?: number;
  /** Time (on `clock`) after which the energetic search stops with what it has proven so far. */
  deadline?: number;
  /** Default performance.now. */
  clock?: () => number;
}

export function lowerBounds(dag: Dag, options: BoundOptions = {}): LowerBounds {
  const p = minCost(dag);
  const { head, tail } = headsAndTails(dag, p);
  let criticalPath = 0;
  let total = 0;
  for (let t = 0; t < dag.n; t++) {
    criticalPath = Math.max(criticalPath, head[t]! + p[t]! + tail[t]!);
    total += p[t]!;
  }
  const integral = allIntegers(dag);
  const up = (x: number) => (integral ? Math.ceil(x - 1e-9) : x);
  const work = total / dag.workerCount;
  let best = up(Math.max(criticalPath, work));
  let energetic = 0;
  const upper = options.upper ?? Infinity;
  if (dag.n > 0 && dag.n <= (options.energeticMaxTasks ?? 400) && best < upper) {
    const as = Float64Array.from(new Set(head)).sort();
    const bs = new Float64Array(dag.n);
    const deadline = options.deadline ?? Infinity;
    // true: T refuted; false: not refuted; undefined: out of time.
    const clock = options.clock ?? (() => performance.now());
    const probe = (T: number) => energeticInfeasible(T, p, head, tail, dag.workerCount, as, bs, deadline, clock);
    let hi = Number.isFinite(upper) ? upper : best + total; // a makespan not refuted
    let r = probe(best);
    if (r === true) {
      let lo = best; // the largest makespan known impossible
      if (integral) {
        // Step up first: refuted probes stop at the first overloaded window, so they are cheap, and the
        // bound is usually only a few units above the simple ones.
        for (let step = 0; step < 16 && hi - lo > 1; step++) {
          r = probe(lo + 1);
          if (r !== true) break;
          lo++;
        }
        if (r === false) hi = lo + 1;
      }
      while (r !== undefined && hi - lo > (integral ? 1 : 1e-6 * hi)) {
        const mid = integral ? Math.floor((lo + hi) / 2) : (lo + hi) / 2;
        r = probe(mid);
        if (r === true) lo = mid;
        else if (r === false) hi = mid;
      }
      // Every makespan up to lo is impossible: with integer times the bound is lo + 1, otherwise lo.
      energetic = integral ? lo + 1 : lo;
      best = Math.max(best, energetic);
    }
  }
  return { criticalPath, work, energetic, best };
}
