// The list-scheduling engine every algorithm here shares: take ready tasks by priority, put each on the
// worker where it finishes first (optionally plus a look-ahead bias, PEFT's optimistic cost), inserting it
// into an idle gap of that worker's timeline when it fits (insertion-based EFT, Topcuoglu et al. 2002).
// Buffers are allocated once per graph and reused, because `best` decodes hundreds of priority lists.
import type { Dag } from './graph';
import { ReadyHeap } from './ready-heap';

/** A schedule in dense form: per task, the global worker index, start and finish. */
export interface Schedule {
  makespan: number;
  worker: Int32Array;
  start: Float64Array;
  finish: Float64Array;
}

export function emptySchedule(n: number): Schedule {
  return { makespan: Infinity, worker: new Int32Array(n), start: new Float64Array(n), finish: new Float64Array(n) };
}

export function copySchedule(from: Schedule, to: Schedule): void {
  to.makespan = from.makespan;
  to.worker.set(from.worker);
  to.start.set(from.start);
  to.finish.set(from.finish);
}

const EPS = 1e-9;

export class ListScheduler {
  private readonly slotStart: Float64Array;
  private readonly slotFinish: Float64Array;
  private readonly slotCount: Int32Array;
  /** Per worker: the longest idle gap between (or before) its slots. */
  private readonly maxGap: Float64Array;
  private readonly remainingPreds: Int32Array;
  private readonly ready: ReadyHeap;
  /** Per worker: the latest finish of this task's predecessors on it (scratch, kept at 0 between tasks). */
  private readonly localFinish: Float64Array;

  private readonly n: number;

  constructor(readonly dag: Dag) {
    const W = dag.workerCount;
    this.n = dag.n;
    this.slotStart = new Float64Array(W * dag.n);
    this.slotFinish = new Float64Array(W * dag.n);
    this.slotCount = new Int32Array(W);
    this.maxGap = new Float64Array(W);
    this.remainingPreds = new Int32Array(dag.n);
    this.ready = new ReadyHeap(dag.n);
    this.localFinish = new Float64Array(W);
  }

  /**
   * Schedules every task. `priority[t]`: higher goes first among ready tasks (ties: lower index).
   * `bias[t * fleetCount + f]`, when given, is added to the finish time when choosing a worker.
   * `insertion`: allow a task into an idle gap before a worker's last task.
   * `fixed`: tasks already placed (running or done: worker, start and finish given in `out`); the others
   * start no earlier than `release` (now, when re-planning a request in flight).
   */
  run(priority: Float64Array, out: Schedule, bias: Float64Array | null = null, insertion = true, fixed: Uint8Array | null = null, release = 0): Schedule {
    const { dag } = this;
    const { n, workerCount: W, fleetCount: F, workerFleet, cost, predStart, pred, predCost, succStart, succ } = dag;
    this.slotCount.fill(0);
    this.maxGap.fill(0);
    this.ready.reset(priority);
    let makespan = 0;
    if (fixed !== null) {
      for (let t = 0; t < n; t++) {
        if (!fixed[t]) continue;
        this.occupy(out.worker[t]!, out.start[t]!, out.finish[t]!);
        if (out.finish[t]! > makespan) makespan = out.finish[t]!;
      }
    }
    for (let t = 0; t < n; t++) {
      this.remainingPreds[t] = predStart[t + 1]! - predStart[t]!;
      if (this.remainingPreds[t] === 0) this.ready.push(t);
    }
    const local = this.localFinish;
    local.fill(0);
    while (this.ready.size > 0) {
      const t = this.ready.pop();
      if (fixed !== null && fixed[t]) {
        for (let k = succStart[t]!; k < succStart[t + 1]!; k++) {
          const s = succ[k]!;
          if (--this.remainingPreds[s] === 0) this.ready.push(s);
        }
        continue;
      }
      // Inputs arrive at worker w by max(transfer-delayed finish of predecessors elsewhere, finish of those
      // on w). Keep the two latest remote arrivals on distinct workers, so each worker costs O(1), not O(preds).
      let r1 = release;
      let r1w = -1;
      let r2 = release;
      const p0 = predStart[t]!;
      const p1 = predStart[t + 1]!;
      for (let k = p0; k < p1; k++) {
        const p = pred[k]!;
        const pw = out.worker[p]!;
        const remote = out.finish[p]! + predCost[k]!;
        if (pw === r1w) {
          if (remote > r1) r1 = remote;
        } else if (remote > r1) {
          r2 = r1;
          r1 = remote;
          r1w = pw;
        } else if (remote > r2) r2 = remote;
        if (out.finish[p]! > local[pw]!) local[pw] = out.finish[p]!;
      }
      let bestW = -1;
      let bestKey = Infinity;
      let bestStart = 0;
      let bestFinish = Infinity;
      let f = -1;
      let d = Infinity;
      let triedEmpty = false;
      for (let w = 0; w < W; w++) {
        if (workerFleet[w] !== f) {
          f = workerFleet[w]!;
          d = cost[t * F + f]!;
          triedEmpty = false;
        }
        if (d === Infinity) continue;
        // Idle workers of one fleet are interchangeable (none holds an input): try the first only.
        if (this.slotCount[w] === 0) {
          if (triedEmpty) continue;
          triedEmpty = true;
        }
        let ready = w === r1w ? r2 : r1;
        if (local[w]! > ready) ready = local[w]!;
        const b = bias === null ? 0 : bias[t * F + f]!;
        // It cannot finish before ready + d: skip the timeline search when that already loses.
        if (ready + d + b > bestKey + EPS) continue;
        const s = this.earliestStart(w, ready, d, insertion);
        const finish = s + d;
        const key = finish + b;
        if (key < bestKey - EPS || (key <= bestKey + EPS && finish < bestFinish - EPS)) {
          bestKey = key;
          bestW = w;
          bestStart = s;
          bestFinish = finish;
        }
      }
      for (let k = p0; k < p1; k++) local[out.worker[pred[k]!]!] = 0;
      out.worker[t] = bestW;
      out.start[t] = bestStart;
      out.finish[t] = bestFinish;
      if (bestFinish > makespan) makespan = bestFinish;
      this.occupy(bestW, bestStart, bestFinish);
      for (let k = succStart[t]!; k < succStart[t + 1]!; k++) {
        const s = succ[k]!;
        if (--this.remainingPreds[s] === 0) this.ready.push(s);
      }
    }
    out.makespan = makespan;
    return out;
  }

  /** Earliest time >= ready at which worker w is idle for `d`. */
  private earliestStart(w: number, ready: number, d: number, insertion: boolean): number {
    const count = this.slotCount[w]!;
    if (count === 0) return ready;
    const base = w * this.n;
    const fin = this.slotFinish;
    const last = fin[base + count - 1]!;
    // No idle gap on this worker is long enough (the usual case once it is busy): append.
    if (!insertion || ready >= last || d > this.maxGap[w]!) return ready > last ? ready : last;
    // First slot that ends after `ready` (slots do not overlap, so finishes are sorted).
    let lo = 0;
    let hi = count;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (fin[base + mid]! <= ready) lo = mid + 1;
      else hi = mid;
    }
    let t = ready;
    for (let i = lo; i < count; i++) {
      // Exact comparison: a tolerance here would let a task overlap its neighbour by float noise.
      if (t + d <= this.slotStart[base + i]!) return t;
      const f = fin[base + i]!;
      if (f > t) t = f;
    }
    return t;
  }

  private occupy(w: number, s: number, f: number): void {
    const base = w * this.n;
    const count = this.slotCount[w]!;
    let i = count;
    while (i > 0 && this.slotStart[base + i - 1]! > s) i--;
    // A zero-length task may share its instant with a neighbour; keep finishes sorted.
    while (i > 0 && this.slotStart[base + i - 1]! === s && this.slotFinish[base + i - 1]! > f) i--;
    const prevFinish = i > 0 ? this.slotFinish[base + i - 1]! : 0;
    // The gap this task goes into; when it was the longest, the longest must be found again.
    const splitGap = i < count ? this.slotStart[base + i]! - prevFinish : -1;
    this.slotStart.copyWithin(base + i + 1, base + i, base + count);
    this.slotFinish.copyWithin(base + i + 1, base + i, base + count);
    this.slotStart[base + i] = s;
    this.slotFinish[base + i] = f;
    this.slotCount[w] = count + 1;
    if (i === count) {
      if (s - prevFinish > this.maxGap[w]!) this.maxGap[w] = s - prevFinish;
    } else if (splitGap >= this.maxGap[w]!) {
      let g = this.slotStart[base]!;
      for (let j = 1; j <= count; j++) g = Math.max(g, this.slotStart[base + j]! - this.slotFinish[base + j - 1]!);
      this.maxGap[w] = g;
    }
  }
}
