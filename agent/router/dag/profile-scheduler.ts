// A list scheduler for identical workers without transfer costs and with integer times, on the pool's
// usage profile instead of each worker's timeline (the serial schedule-generation scheme of RCPSP): take
// ready tasks by priority and start each at the earliest time its inputs are done and fewer than m tasks
// run throughout its execution; workers are dealt out at the end, in start order (at most m tasks run at
// any instant, so one is always free). Placing into a worker's own gaps, as ListScheduler does, cannot
// reach some schedules at all (the idle time that would fit a task is spread over several workers); this
// reaches every active schedule, an optimal one among them, for some priority order, so `best`'s local
// search over orders works with it on such graphs.
import type { Dag } from './graph';
import type { Schedule } from './list-scheduler';
import { ReadyHeap } from './ready-heap';

/** Whether the profile scheduler applies: identical workers, free transfers, integer times. */
export function profileApplies(dag: Dag): boolean {
  const { n, fleetCount: F, cost, succCost } = dag;
  for (const c of succCost) if (c !== 0) return false;
  for (let t = 0; t < n; t++) {
    const c = cost[t * F]!;
    if (!Number.isInteger(c)) return false;
    for (let f = 1; f < F; f++) if (cost[t * F + f] !== c) return false;
  }
  return true;
}

export class ProfileScheduler {
  private readonly p: Int32Array;
  /** Tasks running in each time unit [u, u + 1). */
  private readonly usage: Int32Array;
  private readonly remainingPreds: Int32Array;
  private readonly ready: ReadyHeap;
  private readonly workerFree: Float64Array;
  private readonly byStart: Int32Array;
  private readonly m: number;

  constructor(readonly dag: Dag) {
    const { n, fleetCount: F, cost } = dag;
    this.m = dag.workerCount;
    this.p = new Int32Array(n);
    let total = 0;
    let longest = 0;
    for (let t = 0; t < n; t++) {
      const c = cost[t * F]!;
      this.p[t] = c;
      total += c;
      if (c > longest) longest = c;
    }
    // No schedule this builds is longer than running everything one after another.
    this.usage = new Int32Array(total + longest + 1);
    this.remainingPreds = new Int32Array(n);
    this.ready = new ReadyHeap(n);
    this.workerFree = new Float64Array(this.m);
    this.byStart = new Int32Array(n);
  }

  /** Schedules every task. `priority[t]`: higher goes first among ready tasks (ties: lower index). */
  run(priority: Float64Array, out: Schedule): Schedule {
    const { dag, p, usage, m } = this;
    const { n, predStart, pred, succStart, succ } = dag;
    this.ready.reset(priority);
    let makespan = 0;
    for (let t = 0; t < n; t++) {
      this.remainingPreds[t] = predStart[t + 1]! - predStart[t]!;
      if (this.remainingPreds[t] === 0) this.ready.push(t);
    }
    while (this.ready.size > 0) {
      const t = this.ready.pop();
      let s = 0;
      for (let k = predStart[t]!; k < predStart[t + 1]!; k++) {
        const f = out.finish[pred[k]!]!;
        if (f > s) s = f;
      }
      const d = p[t]!;
      // Earliest s with usage < m all through [s, s + d): on a full unit, jump past it.
      if (d > 0) {
        let u = s;
        while (u < s + d) {
          if (usage[u]! >= m) s = u + 1;
          u++;
        }
        for (let v = s; v < s + d; v++) usage[v]!++;
      }
      out.start[t] = s;
      out.finish[t] = s + d;
      if (s + d > makespan) makespan = s + d;
      for (let k = succStart[t]!; k < succStart[t + 1]!; k++) {
        const x = succ[k]!;
        if (--this.remainingPreds[x] === 0) this.ready.push(x);
      }
    }
    usage.fill(0, 0, makespan);
    this.assignWorkers(out, makespan);
    out.makespan = makespan;
    return out;
  }

  /** Deals tasks to workers in start order (counting sort on the integer starts). */
  private assignWorkers(out: Schedule, makespan: number): void {
    const { n } = this.dag;
    const { usage, byStart, workerFree, m, p } = this;
    // usage is all zeros here; borrow it as the counting sort's buckets.
    for (let t = 0; t < n; t++) usage[out.start[t]!]!++;
    let sum = 0;
    for (let u = 0; u <= makespan; u++) {
      const c = usage[u]!;
      usage[u] = sum;
      sum += c;
    }
    // Zero-time tasks at an instant go before the others starting then, so they never hold a worker.
    for (let t = 0; t < n; t++) if (p[t] === 0) byStart[usage[out.start[t]!]!++] = t;
    for (let t = 0; t < n; t++) if (p[t] !== 0) byStart[usage[out.start[t]!]!++] = t;
    usage.fill(0, 0, makespan + 1);
    workerFree.fill(0);
    for (let i = 0; i < n; i++) {
      const t = byStart[i]!;
      const s = out.start[t]!;
      let w = 0;
      while (workerFree[w]! > s) w++;
      out.worker[t] = w;
      workerFree[w] = out.finish[t]!;
    }
  }
}
