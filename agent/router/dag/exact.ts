// An exact search for identical workers without transfer costs (every fleet runs each task in the same
// time, every edge costs 0): is there a schedule of makespan <= T? Event-driven depth-first search: at
// each completion time, choose which ready tasks start on the free workers, or let them idle until the next
// completion. In a left-justified schedule every task starts at 0 or at some completion time, so this
// covers an optimal schedule. Pruned by each task's remaining path (start + time + tail <= T) and by idle
// time: workers × T − total work is all the idle time a schedule of makespan T can afford.
// `best` uses it to close the last gap to the lower bound, and to raise the bound when T is impossible.
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

/**
 * A schedule of makespan <= T, or null when none exists (proven), or undefined when the search gave up.
 * The graph must satisfy isIdenticalWithoutTransfers.
 */
export function scheduleWithin(dag: Dag, T: number, tail: Float64Array, options: ExactOptions = {}, priority?: ArrayLike<number>): Schedule | null | undefined {
  const { n, fleetCount: F, cost, succStart, succ, predStart, pred, topo } = dag;
  const m = dag.workerCount;
  const p = new Float64Array(n);
  let work = 0;
  for (let t = 0; t < n; t++) work += p[t] = cost[t * F]!;
  const slack = m * T - work;
  if (slack < -1e-9) return null;
  const nodeLimit = options.nodeLimit ?? 200_000;
  const deadline = options.deadline ?? Infinity;
  const clock = options.clock ?? (() => performance.now());

  // Candidates are tried in decreasing `priority` (default: time + tail, most critical first); their rank
  // in this order also breaks symmetry between tasks started at the same instant (they start in
  // increasing rank position only).
  const key = priority ?? Float64Array.from(p, (px, t) => px + tail[t]!);
  const order = Array.from({ length: n }, (_, t) => t).sort((x, y) => key[y]! - key[x]! || x - y);
  const byTail = Array.from({ length: n }, (_, t) => t).sort((x, y) => tail[y]! - tail[x]! || x - y);
  const position = new Int32Array(n);
  order.forEach((t, i) => (position[t] = i));

  const remaining = new Int32Array(n);
  for (let t = 0; t < n; t++) remaining[t] = predStart[t + 1]! - predStart[t]!;
  const readyAt = new Float64Array(n); // max finish of started predecessors
  const est = new Float64Array(n); // scratch: earliest start of unstarted tasks at the current node
  const start = new Float64Array(n).fill(-1);
  const worker = new Int32Array(n).fill(-1);
  const free = new Float64Array(m);
  const releases = new Float64Array(m);
  let placed = 0;
  let nodes = 0;
  let gaveUp = false;

  const startTask = (x: number, w: number, t: number, undo: number[]) => {
    start[x] = t;
    worker[x] = w;
    undo.push(free[w]!);
    free[w] = t + p[x]!;
    placed++;
    for (let k = succStart[x]!; k < succStart[x + 1]!; k++) {
      const s = succ[k]!;
      remaining[s]!--;
      undo.push(readyAt[s]!);
      if (t + p[x]! > readyAt[s]!) readyAt[s] = t + p[x]!;
    }
  };
  const unstartTask = (x: number, w: number, undo: number[]) => {
    for (let k = succStart[x + 1]! - 1; k >= succStart[x]!; k--) {
      const s = succ[k]!;
      remaining[s]!++;
      readyAt[s] = undo.pop()!;
    }
    free[w] = undo.pop()!;
    start[x] = -1;
    worker[x] = -1;
    placed--;
  };

  // States already shown to fail when first entered at an instant: same tasks started, and the same
  // tasks still running until the same times (that fixes the workers' release times, hence the idle time
  // so far). Reached again through another order of the same choices, they fail again.
  const failed = new Set<string>();
  const words = new Uint16Array(Math.ceil(n / 16));
  const stateKey = (t: number): string => {
    words.fill(0);
    let running = '';
    for (let x = 0; x < n; x++) {
      if (start[x]! < 0) continue;
      words[x >> 4]! |= 1 << (x & 15);
      if (start[x]! + p[x]! > t) running += `${x}:${start[x]! + p[x]!},`;
    }
    return `${String.fromCharCode(...words)}|${t}|${running}`;
  };

  /** At time t, having already started tasks of rank position < minPos at t; idle = idle time so far. */
  const dfs = (t: number, minPos: number, idle: number): boolean => {
    if (placed === n) return true;
    // Only at the first visit of an instant (minPos 0) is the state complete enough to remember.
    let key: string | undefined;
    if (minPos === 0) {
      key = stateKey(t);
      if (failed.has(key)) return false;
    }
    const ok = search(t, minPos, idle);
    if (!ok && key !== undefined && !gaveUp) failed.add(key);
    return ok;
  };

  const search = (t: number, minPos: number, idle: number): boolean => {
    if (++nodes > nodeLimit || ((nodes & 1023) === 0 && clock() > deadline)) {
      gaveUp = true;
      return false;
    }
    // Every task not started must still fit: earliest start (no earlier than now, than its started
    // predecessors' finishes, than its unstarted predecessors' earliest finishes) + time + tail <= T.
    for (let i = 0; i < n; i++) {
      const x = topo[i]!;
      if (start[x]! >= 0) continue;
      let e = Math.max(t, readyAt[x]!);
      for (let k = predStart[x]!; k < predStart[x + 1]!; k++) {
        const y = pred[k]!;
        if (start[y]! < 0 && est[y]! + p[y]! > e) e = est[y]! + p[y]!;
      }
      est[x] = e;
      if (e + p[x]! + tail[x]! > T + 1e-9) return false;
    }
    // Tasks with tail >= q must all run inside [now, T - q] on what the workers have left of it.
    for (let k = 0; k < m; k++) releases[k] = Math.max(free[k]!, t);
    releases.sort();
    let work = 0;
    let open = 0; // workers released by `end`, and the sum of their release times
    let releasedSum = 0;
    for (let i = 0; i < n; i++) {
      const x = byTail[i]!;
      if (start[x]! >= 0) continue;
      work += p[x]!;
      const end = T - tail[x]!;
      while (open < m && releases[open]! < end) releasedSum += releases[open++]!;
      // Tasks due later still need the part they cannot push past `end`.
      let partial = 0;
      for (let j = i + 1; j < n; j++) {
        const y = byTail[j]!;
        if (start[y]! >= 0) continue;
        const excess = p[y]! - (T - tail[y]! - end);
        if (excess > 0) partial += excess;
      }
      if (work + partial > open * end - releasedSum + 1e-9) return false;
    }
    let w = -1;
    for (let k = 0; k < m; k++) if (free[k]! <= t + 1e-12) { w = k; break; }
    if (w >= 0) {
      const undo: number[] = [];
      for (let i = minPos; i < n; i++) {
        const x = order[i]!;
        if (start[x]! >= 0 || remaining[x] !== 0 || readyAt[x]! > t + 1e-12) continue;
        startTask(x, w, t, undo);
        const ok = dfs(t, i + 1, idle);
        if (ok) return true;
        unstartTask(x, w, undo);
        if (gaveUp) return false;
      }
    }
    // Let the free workers idle until the next completion.
    let next = Infinity;
    let freeCount = 0;
    for (let k = 0; k < m; k++) {
      if (free[k]! > t + 1e-12) next = Math.min(next, free[k]!);
      else freeCount++;
    }
    if (next === Infinity) return false; // nothing running and nothing could start: cannot happen in a DAG
    const moreIdle = idle + freeCount * (next - t);
    if (moreIdle > slack + 1e-9) return false;
    return dfs(next, 0, moreIdle);
  };

  const found = dfs(0, 0, 0);
  if (options.stats) options.stats.nodes = nodes;
  if (!found) return gaveUp ? undefined : null;
  const s = emptySchedule(n);
  let makespan = 0;
  for (let t = 0; t < n; t++) {
    s.worker[t] = worker[t]!;
    s.start[t] = start[t]!;
    s.finish[t] = start[t]! + p[t]!;
    makespan = Math.max(makespan, s.finish[t]!);
  }
  s.makespan = makespan;
  return s;
}
