// The default scheduler. Several published priority orders give starting schedules (HEFT's upward rank,
// PEFT's optimistic costs, upward + downward rank, fastest-time ranks, HEFT on the reversed graph); each is
// improved by forward-backward passes (schedule the reversed graph by latest finish, mirror it, schedule
// forward again by earliest start: each pass closes idle gaps the previous one left). Then, while time
// remains, iterated local search perturbs the walk's start order and repeats the passes, restarting when it
// stalls; on identical workers without transfers, short exact searches for a schedule meeting the lower
// bound alternate with it. It stops as soon as a schedule meets the lower bound, which proves it optimal.
import { reverseDag, type Dag } from './graph';
import { ListScheduler, copySchedule, emptySchedule, type Schedule } from './list-scheduler';
import { downwardRank, meanCost, minCost, optimisticCostTable, upwardRank } from './ranks';
import { headsAndTails, lowerBounds, type LowerBounds } from './bounds';
import { isIdenticalWithoutTransfers, scheduleWithin } from './exact';
import { seededRandom } from '../random';

export interface BestOptions {
  /** Wall-clock budget for the search (default: 10 ms + 0.04 ms per task, at most 120 ms). */
  budgetMs?: number;
  /** Cap on local-search iterations (default: unlimited within the budget); set it for reproducible runs. */
  maxIterations?: number;
  /** Seed of the perturbations (default 1). */
  seed?: number;
  /** The clock the budget is measured on, in ms (default performance.now: wall time). */
  clock?: () => number;
}

export interface BestResult {
  schedule: Schedule;
  bounds: LowerBounds;
  /** The makespan meets a lower bound: no schedule is shorter. */
  provenOptimal: boolean;
  /** Which step found the schedule kept. */
  foundBy: string;
  iterations: number;
}

/** Forward-backward passes per local-search step: most of the gain comes in the first few. */
const LOCAL_SEARCH_PASSES = 3;
const START_PASSES = 6;
/** Local-search steps without a better schedule before the walk restarts. */
const RESTART_AFTER = 20;
/** Exact search: only on graphs up to this size, and this many nodes per attempt. */
const EXACT_MAX_TASKS = 400;
const EXACT_NODES = 250;

export function defaultBudgetMs(n: number): number {
  return Math.min(120, 10 + 0.04 * n);
}


export function best(dag: Dag, options: BestOptions = {}): BestResult {
  const clock = options.clock ?? (() => performance.now());
  const started = clock();
  const budget = options.budgetMs ?? defaultBudgetMs(dag.n);
  const deadline = started + budget;
  const maxIterations = options.maxIterations ?? Infinity;
  const random = seededRandom(options.seed ?? 1);
  const n = dag.n;

  const forward = new ListScheduler(dag);
  const reversed = reverseDag(dag);
  const backward = new ListScheduler(reversed);
  const incumbent = emptySchedule(n);
  let foundBy = '';
  const a = emptySchedule(n);
  const b = emptySchedule(n);
  const mirrored = emptySchedule(n);
  const prio = new Float64Array(n);
  const lastImproved = emptySchedule(n);
  const eps = 1e-9;

  let bounds = lowerBounds(dag, { energeticMaxTasks: 0 });
  const consider = (s: Schedule, by: string): boolean => {
    if (s.makespan < incumbent.makespan - eps) {
      copySchedule(s, incumbent);
      foundBy = by;
      return true;
    }
    return false;
  };
  const optimal = () => incumbent.makespan <= bounds.best + eps;

  /** Forward-backward improvement of `s` (overwritten); returns the best makespan seen. */
  const improve = (s: Schedule, by: string, maxPasses = 20): number => {
    let current = s;
    let other = current === a ? b : a;
    let bestSeen = current.makespan;
    for (let pass = 0; pass < maxPasses; pass++) {
      for (let t = 0; t < n; t++) prio[t] = current.finish[t]!;
      const r = backward.run(prio, other);
      const M = r.makespan;
      for (let t = 0; t < n; t++) {
        mirrored.worker[t] = r.worker[t]!;
        mirrored.start[t] = M - r.finish[t]!;
        mirrored.finish[t] = M - r.start[t]!;
      }
      mirrored.makespan = M;
      consider(mirrored, `${by}+fb`);
      if (optimal()) return incumbent.makespan;
      for (let t = 0; t < n; t++) prio[t] = -mirrored.start[t]!;
      const next = forward.run(prio, other);
      consider(next, `${by}+fb`);
      if (optimal()) return incumbent.makespan;
      const m = Math.min(M, next.makespan);
      copySchedule(next.makespan <= M ? next : mirrored, lastImproved);
      if (m >= bestSeen - eps || clock() > deadline) break;
      bestSeen = m;
      other = current;
      current = next;
    }
    return bestSeen;
  };

  // Starting points: the published orders.
  const mean = meanCost(dag);
  const fastest = minCost(dag);
  const rankU = upwardRank(dag, mean);
  const starts: [string, () => Schedule][] = [
    ['heft', () => forward.run(rankU, a)],
    ['peft', () => {
      const { oct, rank } = optimisticCostTable(dag);
      return forward.run(rank, a, oct);
    }],
    ['rank-ud', () => {
      const d = downwardRank(dag, mean);
      for (let t = 0; t < n; t++) prio[t] = rankU[t]! + d[t]!;
      return forward.run(Float64Array.from(prio), a);
    }],
    ['rank-min', () => forward.run(upwardRank(dag, fastest), a)],
    // HEFT run from the exits on the reversed graph, mirrored: it packs the end of the schedule first.
    ['heft-reversed', () => {
      const r = backward.run(upwardRank(reversed, mean), b);
      for (let t = 0; t < n; t++) {
        a.worker[t] = r.worker[t]!;
        a.start[t] = r.makespan - r.finish[t]!;
        a.finish[t] = r.makespan - r.start[t]!;
      }
      a.makespan = r.makespan;
      return a;
    }],
  ];
  let energeticDone = false;
  for (const [name, make] of starts) {
    consider(make(), name);
    if (optimal()) break;
    improve(a, name, START_PASSES);
    if (optimal()) break;
    if (!energeticDone) {
      // The sharper bound costs more; only worth it once a first schedule missed the cheap ones.
      energeticDone = true;
      const now = clock();
      bounds = lowerBounds(dag, { upper: incumbent.makespan, deadline: now + 0.4 * (deadline - now), clock });
      if (optimal()) break;
    }
    if (clock() > deadline) break;
  }

  // Iterated local search: perturb the walk's start order and improve again.
  // The walk accepts sideways moves (equal makespan) so it can cross plateaus, which are common when
  // many tasks have equal times.
  let iterations = 0;
  const scale = meanOf(mean) || 1;
  const walk = emptySchedule(n);
  copySchedule(incumbent, walk);
  // The number of steps to reach the optimum is heavy-tailed: a walk stuck for a while is restarted
  // from a freshly perturbed rank order rather than left to wander.
  let stale = 0;
  // Identical workers without transfers: short exact searches for a schedule meeting the bound, each
  // with another candidate order, alternate with the local search (see exact.ts).
  const exact = isIdenticalWithoutTransfers(dag) && integralTimes(dag) && n <= EXACT_MAX_TASKS;
  const tail = exact ? headsAndTails(dag, fastest).tail : null;
  let attempt = 0;
  const key = new Float64Array(n);
  while (!optimal() && iterations < maxIterations && clock() < deadline) {
    if (tail !== null) {
      exactKey(attempt++, dag, fastest, tail, random, key);
      const target = bounds.best;
      const found = scheduleWithin(dag, target, tail, { nodeLimit: EXACT_NODES, deadline, clock }, key);
      if (found) {
        consider(found, 'exact');
        break;
      }
      // Proven impossible: every makespan up to the target is, so the bound rises by one time unit.
      if (found === null) bounds = { ...bounds, best: target + 1 };
      if (optimal() || clock() > deadline) break;
    }
    iterations++;
    if (++stale > RESTART_AFTER) {
      stale = 0;
      for (let t = 0; t < n; t++) prio[t] = rankU[t]! * (0.7 + 0.6 * random());
    } else {
      const strength = scale * (0.5 + 2 * random());
      for (let t = 0; t < n; t++) prio[t] = -(walk.start[t]! + strength * random());
    }
    const s = forward.run(prio, a);
    consider(s, 'local-search');
    if (optimal()) break;
    const before = incumbent.makespan;
    improve(s, 'local-search', LOCAL_SEARCH_PASSES);
    if (optimal()) break;
    if (incumbent.makespan < before - eps) {
      copySchedule(incumbent, walk);
      stale = 0;
    } else if (lastImproved.makespan <= walk.makespan + eps || stale === 0) copySchedule(lastImproved, walk);
  }

  leftShift(dag, incumbent);
  return { schedule: incumbent, bounds, provenOptimal: optimal(), foundBy, iterations };
}

/**
 * Starts every task as early as its inputs and its worker's previous task allow, keeping each worker's
 * task order. Mirrored schedules leave slack at the front; this removes it and never delays anything.
 */
export function leftShift(dag: Dag, s: Schedule): void {
  const { n, predStart, pred, predCost } = dag;
  // Equal starts (zero-time tasks) go in topological order, so a predecessor is always shifted first.
  const position = new Int32Array(n);
  for (let i = 0; i < n; i++) position[dag.topo[i]!] = i;
  const order = Array.from({ length: n }, (_, t) => t).sort((x, y) => s.start[x]! - s.start[y]! || position[x]! - position[y]!);
  const free = new Float64Array(dag.workerCount);
  let makespan = 0;
  for (const t of order) {
    const w = s.worker[t]!;
    let ready = free[w]!;
    for (let k = predStart[t]!; k < predStart[t + 1]!; k++) {
      const p = pred[k]!;
      const arrive = s.finish[p]! + (s.worker[p] === w ? 0 : predCost[k]!);
      if (arrive > ready) ready = arrive;
    }
    // The task's own time, not finish − start: mirrored times carry float noise (30 − 0.05 + 0.05 ≠ 30).
    const d = dag.cost[t * dag.fleetCount + dag.workerFleet[w]!]!;
    s.start[t] = ready;
    s.finish[t] = ready + d;
    free[w] = ready + d;
    if (ready + d > makespan) makespan = ready + d;
  }
  s.makespan = makespan;
}

function integralTimes(dag: Dag): boolean {
  for (const c of dag.cost) if (c !== Infinity && !Number.isInteger(c)) return false;
  return true;
}

/** Candidate order of the k-th exact attempt: a few fixed criticality orders, then randomised ones. */
function exactKey(k: number, dag: Dag, p: Float64Array, tail: Float64Array, random: () => number, out: Float64Array): void {
  const { n, succStart } = dag;
  for (let t = 0; t < n; t++) {
    const successors = succStart[t + 1]! - succStart[t]!;
    switch (k) {
      case 0: out[t] = p[t]! + tail[t]!; break;
      case 1: out[t] = tail[t]!; break;
      case 2: out[t] = p[t]!; break;
      case 3: out[t] = successors * 1e6 + tail[t]!; break;
      case 4: out[t] = p[t]! + 2 * tail[t]!; break;
      default: out[t] = (p[t]! + tail[t]!) * (0.7 + 0.6 * random());
    }
  }
}

function meanOf(xs: Float64Array): number {
  let s = 0;
  for (const x of xs) s += x;
  return xs.length ? s / xs.length : 0;
}
