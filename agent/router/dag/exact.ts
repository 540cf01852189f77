// An exact search for identical workers without transfer costs (every fleet runs each task in the same
// time, every edge costs 0): is there a schedule of makespan <= T? Event-driven depth-first search: at
// each completion time, choose which ready tasks start on the free workers, or let them idle until the next
// completion. In a left-justified schedule every task starts at 0 or at some completion time, so this
// covers an optimal schedule. Pruned by
// - idle time: workers × T − total work is all the idle time a schedule of makespan T can afford (on
//   graphs built with no idle time this forbids any);
// - each task's remaining path (earliest start + time + tail <= T), checked when time advances;
// - energy: by every deadline T − tail, the work that must be done by then must fit on what the workers
//   have left before it;
// - states already shown to fail (same tasks started, same tasks running until the same times, same
//   instant), remembered across calls with the same T, so restarts with another candidate order resume
//   rather than repeat.
// `best` uses it to close the last gap to the lower bound, and to raise the bound when T is impossible.
// Its hot loop allocates nothing: every array is made once per graph.
import type { Dag } from './graph';
import { emptySchedule, type Schedule } from './list-scheduler';

/** Whether the exact search applies: identical workers and free transfers. */
export function isIdenticalWithoutTransfers(dag: Dag): boolean {
  const { n, fleetCount: F, cost, succCost } = dag;
  for (const c of succCost) if (c !== 0) return false;
  for (let t = 0; t < n; t++) for (let f = 1; f < F; f++) if (cost[t * F + f] !== cost[t * F]) return false;
  return true;
}

export interface ExactOptions {
  /** Give up after this many search nodes. */
  nodeLimit?: number;
  /** Give up at this time (on `clock`). */
  deadline?: number;
  clock?: () => number;
  /** Filled with the number of search nodes visited. */
  stats?: { nodes: number };
}

const EPS = 1e-9;
/** Remembered failed states above this many are dropped (memory bound; only costs repeated work). */
const MAX_REMEMBERED = 1 << 21;

/** murmur3's 32-bit finaliser: spreads the bits of a state's parts before they are combined. */
function mix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}

export class ExactSearch {
  private readonly n: number;
  private readonly m: number;
  private readonly p: Float64Array;
  private readonly work: number;
  private readonly start: Float64Array;
  private readonly worker: Int32Array;
  private readonly remaining: Int32Array;
  /** Latest finish of the started predecessors of each task. */
  private readonly readyAt: Float64Array;
  private readonly est: Float64Array;
  /** Per worker: when it is free, and the task it runs last. */
  private readonly free: Float64Array;
  private readonly current: Int32Array;
  private readonly releases: Float64Array;
  private readonly undo: Float64Array;
  private undoTop = 0;
  private placed = 0;
  /** Candidate order (decreasing priority). */
  private readonly order: Int32Array;
  /** Tasks by deadline (T − tail) and by latest start (T − tail − time), ascending; static for a T. */
  private readonly byDeadline: Int32Array;
  private readonly byLatestStart: Int32Array;
  private readonly zobrist1: Int32Array;
  private readonly zobrist2: Int32Array;
  private hash1 = 0;
  private hash2 = 0;
  private readonly failed = new Set<number>();
  private failedFor = NaN;

  // Per call.
  private T = 0;
  private slack = 0;
  private nodes = 0;
  private nodeLimit = Infinity;
  private deadline = Infinity;
  private clock: () => number = () => performance.now();
  private gaveUp = false;

  constructor(
    private readonly dag: Dag,
    private readonly tail: Float64Array,
  ) {
    const { n, fleetCount: F, cost, succStart } = dag;
    this.n = n;
    this.m = dag.workerCount;
    this.p = new Float64Array(n);
    let work = 0;
    for (let t = 0; t < n; t++) work += this.p[t] = cost[t * F]!;
    this.work = work;
    this.start = new Float64Array(n);
    this.worker = new Int32Array(n);
    this.remaining = new Int32Array(n);
    this.readyAt = new Float64Array(n);
    this.est = new Float64Array(n);
    this.free = new Float64Array(this.m);
    this.current = new Int32Array(this.m);
    this.releases = new Float64Array(this.m);
    // Each start saves the worker's state (2) and its successors' ready times.
    this.undo = new Float64Array(2 * n + succStart[n]! + 1);
    this.order = new Int32Array(n);
    const byTail = Array.from({ length: n }, (_, t) => t);
    this.byDeadline = Int32Array.from(byTail.sort((x, y) => tail[y]! - tail[x]! || x - y));
    this.byLatestStart = Int32Array.from(byTail.sort((x, y) => tail[y]! + this.p[y]! - tail[x]! - this.p[x]! || x - y));
    // Fixed seeds: the same graph gives the same search.
    let s = 0x2545f491;
    const next = () => (s = mix(s + 0x6d2b79f5));
    this.zobrist1 = Int32Array.from({ length: n }, next);
    this.zobrist2 = Int32Array.from({ length: n }, next);
  }

  /**
   * A schedule of makespan <= T, or null when none exists (proven), or undefined when the search gave up.
   * Candidates are tried in decreasing `priority` (default: time + tail, most critical first); their rank
   * in this order also breaks symmetry between tasks started at the same instant (they start in
   * increasing rank position only).
   */
  within(T: number, options: ExactOptions = {}, priority?: ArrayLike<number>): Schedule | null | undefined {
    const { n, p, tail } = this;
    this.slack = this.m * T - this.work;
    if (this.slack < -EPS) return null;
    if (this.failedFor !== T) {
      this.failed.clear();
      this.failedFor = T;
    }
    this.T = T;
    this.nodes = 0;
    this.nodeLimit = options.nodeLimit ?? 200_000;
    this.deadline = options.deadline ?? Infinity;
    this.clock = options.clock ?? (() => performance.now());
    this.gaveUp = false;

    const key = priority ?? Float64Array.from(p, (px, t) => px + tail[t]!);
    const order = Array.from({ length: n }, (_, t) => t).sort((x, y) => key[y]! - key[x]! || x - y);
    for (let i = 0; i < n; i++) this.order[i] = order[i]!;
    const { predStart } = this.dag;
    for (let t = 0; t < n; t++) this.remaining[t] = predStart[t + 1]! - predStart[t]!;
    this.readyAt.fill(0);
    this.start.fill(-1);
    this.worker.fill(-1);
    this.free.fill(0);
    this.current.fill(-1);
    this.undoTop = 0;
    this.placed = 0;
    this.hash1 = 0;
    this.hash2 = 0;

    const found = this.dfs(0, 0, 0);
    if (options.stats) options.stats.nodes = this.nodes;
    if (!found) return this.gaveUp ? undefined : null;
    const out = emptySchedule(n);
    let makespan = 0;
    for (let t = 0; t < n; t++) {
      out.worker[t] = this.worker[t]!;
      out.start[t] = this.start[t]!;
      out.finish[t] = this.start[t]! + p[t]!;
      if (out.finish[t]! > makespan) makespan = out.finish[t]!;
    }
    out.makespan = makespan;
    return out;
  }

  /** At time t, having already started tasks of rank position < minPos at t; idle = idle time so far. */
  private dfs(t: number, minPos: number, idle: number): boolean {
    if (this.placed === this.n) return true;
    if (++this.nodes > this.nodeLimit || ((this.nodes & 255) === 0 && this.clock() > this.deadline)) {
      this.gaveUp = true;
      return false;
    }
    // Only at the first visit of an instant (minPos 0) is the state complete enough to remember.
    let key = -1;
    if (minPos === 0) {
      key = this.stateKey(t);
      if (this.failed.has(key)) return false;
      // Starting tasks at t moves no earliest start, so this check is needed only when time advances.
      if (!this.pathsFit(t)) {
        this.remember(key);
        return false;
      }
    }
    const ok = this.branch(t, minPos, idle);
    if (!ok && key >= 0 && !this.gaveUp) this.remember(key);
    return ok;
  }

  private remember(key: number): void {
    if (this.failed.size >= MAX_REMEMBERED) this.failed.clear();
    this.failed.add(key);
  }

  private branch(t: number, minPos: number, idle: number): boolean {
    if (!this.energyFits(t)) return false;
    const { m, n, free, order, start, remaining, readyAt, p } = this;
    let w = -1;
    let freeCount = 0;
    let nextBusy = Infinity;
    for (let k = 0; k < m; k++) {
      if (free[k]! <= t + EPS) {
        if (w < 0) w = k;
        freeCount++;
      } else if (free[k]! < nextBusy) nextBusy = free[k]!;
    }
    if (w >= 0) {
      // Free workers that no candidate can fill stay idle at least until the next completion.
      let candidates = 0;
      let shortest = Infinity;
      for (let i = minPos; i < n && candidates < freeCount; i++) {
        const x = order[i]!;
        if (start[x]! >= 0 || remaining[x] !== 0 || readyAt[x]! > t + EPS) continue;
        candidates++;
        if (p[x]! < shortest) shortest = p[x]!;
      }
      if (candidates < freeCount) {
        const until = nextBusy < Infinity ? nextBusy : candidates > 0 ? t + shortest : Infinity;
        if (until === Infinity) return false;
        if (idle + (freeCount - candidates) * (until - t) > this.slack + EPS) return false;
      }
      for (let i = minPos; i < n; i++) {
        const x = order[i]!;
        if (start[x]! >= 0 || remaining[x] !== 0 || readyAt[x]! > t + EPS) continue;
        this.startTask(x, w, t);
        const ok = this.dfs(t, i + 1, idle);
        if (ok) return true;
        this.unstartTask(x, w);
        if (this.gaveUp) return false;
      }
    }
    // Let the free workers idle until the next completion.
    if (nextBusy === Infinity) return false; // nothing running and nothing could start: cannot happen in a DAG
    const moreIdle = idle + freeCount * (nextBusy - t);
    if (moreIdle > this.slack + EPS) return false;
    return this.dfs(nextBusy, 0, moreIdle);
  }

  /** Every task not started can still finish in time: earliest start + time + tail <= T. */
  private pathsFit(t: number): boolean {
    const { n, start, readyAt, est, p, tail, T } = this;
    const { topo, predStart, pred } = this.dag;
    for (let i = 0; i < n; i++) {
      const x = topo[i]!;
      if (start[x]! >= 0) continue;
      let e = readyAt[x]! > t ? readyAt[x]! : t;
      for (let k = predStart[x]!; k < predStart[x + 1]!; k++) {
        const y = pred[k]!;
        if (start[y]! < 0 && est[y]! + p[y]! > e) e = est[y]! + p[y]!;
      }
      est[x] = e;
      if (e + p[x]! + tail[x]! > T + EPS) return false;
    }
    return true;
  }

  /**
   * Energy by each deadline d = T − tail(x): every unstarted task y must do min(p, max(0, d − latest
   * start(y))) of its work before d, on what the workers have left of [their release, d].
   */
  private energyFits(t: number): boolean {
    const { n, m, free, releases, start, p, tail, T, byDeadline, byLatestStart } = this;
    for (let k = 0; k < m; k++) {
      // Insertion sort: m is small.
      const r = free[k]! > t ? free[k]! : t;
      let j = k;
      while (j > 0 && releases[j - 1]! > r) {
        releases[j] = releases[j - 1]!;
        j--;
      }
      releases[j] = r;
    }
    let ls = 0;
    let lsCount = 0;
    let lsSum = 0;
    let dl = 0;
    let dlCount = 0;
    let dlSum = 0;
    let rel = 0;
    let relCount = 0;
    let relSum = 0;
    let last = -Infinity;
    for (let q = 0; q < n; q++) {
      const x = byDeadline[q]!;
      if (start[x]! >= 0) continue;
      const end = T - tail[x]!;
      if (end === last) continue;
      last = end;
      while (ls < n) {
        const y = byLatestStart[ls]!;
        const latest = T - tail[y]! - p[y]!;
        if (latest >= end) break;
        if (start[y]! < 0) {
          lsCount++;
          lsSum += latest;
        }
        ls++;
      }
      while (dl < n) {
        const y = byDeadline[dl]!;
        const d = T - tail[y]!;
        if (d >= end) break;
        if (start[y]! < 0) {
          dlCount++;
          dlSum += d;
        }
        dl++;
      }
      while (rel < m && releases[rel]! < end) {
        relCount++;
        relSum += releases[rel++]!;
      }
      const need = lsCount * end - lsSum - (dlCount * end - dlSum);
      if (need > relCount * end - relSum + EPS) return false;
    }
    return true;
  }

  private stateKey(t: number): number {
    const { m, free, current } = this;
    let a = this.hash1;
    let b = this.hash2;
    for (let k = 0; k < m; k++) {
      if (free[k]! <= t + EPS) continue;
      const f = Math.round(free[k]! * 1024) | 0;
      const x = current[k]!;
      a ^= mix(this.zobrist1[x]! ^ Math.imul(f, 0x9e3779b1));
      b ^= mix(this.zobrist2[x]! + Math.imul(f, 0x7feb352d));
    }
    const tt = Math.round(t * 1024) | 0;
    a = mix(a ^ Math.imul(tt, 0x27d4eb2f));
    b = mix(b + Math.imul(tt, 0x165667b1));
    // 32 + 21 bits: a safe integer, so a Set of numbers holds the states.
    return (a >>> 0) * 2097152 + (b >>> 11);
  }

  private startTask(x: number, w: number, t: number): void {
    const { undo, free, current, p, readyAt, remaining } = this;
    const { succStart, succ } = this.dag;
    this.start[x] = t;
    this.worker[x] = w;
    undo[this.undoTop++] = free[w]!;
    undo[this.undoTop++] = current[w]!;
    const f = t + p[x]!;
    free[w] = f;
    current[w] = x;
    this.placed++;
    this.hash1 ^= this.zobrist1[x]!;
    this.hash2 ^= this.zobrist2[x]!;
    for (let k = succStart[x]!; k < succStart[x + 1]!; k++) {
      const s = succ[k]!;
      remaining[s]!--;
      undo[this.undoTop++] = readyAt[s]!;
      if (f > readyAt[s]!) readyAt[s] = f;
    }
  }

  private unstartTask(x: number, w: number): void {
    const { undo, readyAt, remaining } = this;
    const { succStart, succ } = this.dag;
    for (let k = succStart[x + 1]! - 1; k >= succStart[x]!; k--) {
      const s = succ[k]!;
      remaining[s]!++;
      readyAt[s] = undo[--this.undoTop]!;
    }
    this.current[w] = undo[--this.undoTop]!;
    this.free[w] = undo[--this.undoTop]!;
    this.start[x] = -1;
    this.worker[x] = -1;
    this.placed--;
    this.hash1 ^= this.zobrist1[x]!;
    this.hash2 ^= this.zobrist2[x]!;
  }
}

/**
 * A schedule of makespan <= T, or null when none exists (proven), or undefined when the search gave up.
 * The graph must satisfy isIdenticalWithoutTransfers. (One-off form of ExactSearch.within.)
 */
export function scheduleWithin(dag: Dag, T: number, tail: Float64Array, options: ExactOptions = {}, priority?: ArrayLike<number>): Schedule | null | undefined {
  return new ExactSearch(dag, tail).within(T, options, priority);
}
