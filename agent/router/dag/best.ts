// The default scheduler. Several published priority orders give starting schedules (HEFT's upward rank,
// PEFT's optimistic costs, upward + downward rank, fastest-time ranks, HEFT on the reversed graph); each is
// improved by forward-backward passes (schedule the reversed graph by latest finish, mirror it, schedule
// forward again by earliest start: each pass closes idle gaps the previous one left). Then, while time
// remains, iterated local search perturbs the walk's start order and repeats the passes, restarting when it
// stalls. On identical workers with integer times and no transfers, the search schedules on the pool's
// usage profile (profile-scheduler.ts: it can reach every active schedule, per-worker gap insertion cannot),
// and exact searches for a schedule one unit shorter than the best so far (exact.ts) alternate with it.
// It stops as soon as a schedule meets a lower bound, which proves it optimal.
import { reverseDag, type Dag } from './graph';
import { ListScheduler, copySchedule, emptySchedule, type Schedule } from './list-scheduler';
import { downwardRank, meanCost, minCost, optimisticCostTable, upwardRank } from './ranks';
import { headsAndTails, lowerBounds, type LowerBounds } from './bounds';
import { ExactSearch, isIdenticalWithoutTransfers } from './exact';
import { budgetClock } from './clock';
import { ProfileScheduler, profileApplies } from './profile-scheduler';
import { seededRandom } from '../random';

export interface BestOptions {
  /**
   * Search budget in ms (default: 15 ms up to 125 tasks, then 10 ms + 0.04 ms per task, at most 120 ms),
   * measured on this thread's CPU time where the system reports it, so a busy machine does not cut the
   * search short; but the search also stops after 3× the budget of wall time.
   */
  budgetMs?: number;
  /** Cap on local-search iterations (default: unlimited within the budget); set it for reproducible runs. */
  maxIterations?: number;
  /** Seed of the perturbations (default 1). */
  seed?: number;
  /** The clock the budget is measured on, in ms (default: thread CPU time, capped by wall time; see budgetMs). */
  clock?: () => number;
  /** Use the exact search on graphs it applies to (default true; false for comparisons). */
  exact?: boolean;
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
/** Exact search: only on graphs up to this size; nodes per attempt = EXACT_NODES × Luby(attempt). */
const EXACT_MAX_TASKS = 400;
const EXACT_NODES = 200;
/**
 * Local-search steps per unit of exact-search nodes. Measured on packed graphs (no idle time, 16 workers):
 * the local search finds their optima more often than the exact search in the same time, which mostly
 * serves to prove optimality (the bound) on graphs with idle time.
 */
const LOCAL_STEPS_PER_EXACT = 8;
/**
 * Perturbation of the walk's start times, in mean task times. With the profile scheduler small ones (0.3)
 * found the optimum of 16-worker packed graphs in 199–200 of 200 against 195 for 1; with the per-worker
 * list scheduler (heterogeneous fleets, transfers) 1 does better on the paper graphs and no worse on the rest.
 */
const PERTURBATION_PROFILE = 0.3;
/** Random tie-breaking in the forward-backward passes on integer times (less than one time unit). */
const TIE_NOISE = 0.9;
const PERTURBATION_LIST = 1;
/** A starved thread stops after this many times its budget of wall time. */
const WALL_FACTOR = 3;

/** 15 ms up to 125 tasks (a 100-task graph must take under 20 ms), then 10 ms + 0.04 ms per task, ≤ 120 ms. */
export function defaultBudgetMs(n: number): number {
  return Math.min(120, Math.max(15, 10 + 0.04 * n));
}

/** The Luby sequence 1 1 2 1 1 2 4 1 1 2 …: restart lengths that waste at most a log factor. */
function luby(i: number): number {
  let size = 1;
  let seq = 0;
  while (size < i + 1) {
    seq++;
    size = 2 * size + 1;
  }
  let x = i;
  while (size - 1 !== x) {
    size = (size - 1) >> 1;
    seq--;
    x %= size;
  }
  return 2 ** seq;
}

export function best(dag: Dag, options: BestOptions = {}): BestResult {
  const base = options.clock ?? null;
  const clock = base ?? budgetClock(WALL_FACTOR);
  const started = clock();
  const budget = options.budgetMs ?? defaultBudgetMs(dag.n);
  const deadline = started + budget;
  const maxIterations = options.maxIterations ?? Infinity;
  const random = seededRandom(options.seed ?? 1);
  const n = dag.n;

  const forward = new ListScheduler(dag);
  const reversed = reverseDag(dag);
  const backward = new ListScheduler(reversed);
  // On identical workers with integer times the local search schedules on the pool's usage profile.
  const profile = profileApplies(dag);
  const perturbation = profile ? PERTURBATION_PROFILE : PERTURBATION_LIST;
  const searchForward: { run(priority: Float64Array, out: Schedule): Schedule } = profile ? new ProfileScheduler(dag) : forward;
  const searchBackward: { run(priority: Float64Array, out: Schedule): Schedule } = profile ? new ProfileScheduler(reversed) : backward;
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
    const label = by === 'local-search' ? 'local-search+fb' : `${by}+fb`;
    // Integer times tie often; ties broken at random (noise < 1 unit) rather than by task index let each
    // pass try other orders among equals: 293–296 of 300 hard packed graphs against 290.
    const tie = profile ? TIE_NOISE : 0;
    for (let pass = 0; pass < maxPasses; pass++) {
      for (let t = 0; t < n; t++) prio[t] = current.finish[t]! + (tie ? tie * random() : 0);
      const r = searchBackward.run(prio, other);
      const M = r.makespan;
      for (let t = 0; t < n; t++) {
        mirrored.worker[t] = r.worker[t]!;
        mirrored.start[t] = M - r.finish[t]!;
        mirrored.finish[t] = M - r.start[t]!;
      }
      mirrored.makespan = M;
      consider(mirrored, label);
      if (optimal()) return incumbent.makespan;
      for (let t = 0; t < n; t++) prio[t] = -mirrored.start[t]! - (tie ? tie * random() : 0);
      const next = searchForward.run(prio, other);
      consider(next, label);
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
  for (const [name, make] of starts) {
    consider(make(), name);
    if (optimal()) break;
    improve(a, name, START_PASSES);
    if (optimal() || clock() > deadline) break;
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
  // Identical workers without transfers: exact searches for a schedule one time unit shorter than the
  // best so far, each with another candidate order and a Luby-sequence node limit, alternate with the
  // local search (LOCAL_STEPS_PER_EXACT × the attempt's Luby factor steps). Failed states are remembered
  // across attempts at the same target, so a restart resumes the proof rather than repeating it.
  const exactApplies = options.exact !== false && isIdenticalWithoutTransfers(dag) && integralTimes(dag) && n <= EXACT_MAX_TASKS;
  const tail = exactApplies ? headsAndTails(dag, fastest).tail : null;
  const search = tail !== null ? new ExactSearch(dag, tail) : null;
  let attempt = 0;
  let stepsUntilExact = 0;
  // The sharper bound (energetic reasoning) only proves optimality, so it waits until the searches had
  // half the budget, and gets at most a fifth of it.
  let energeticDone = false;
  const key = new Float64Array(n);
  while (!optimal() && iterations < maxIterations && clock() < deadline) {
    if (!energeticDone && clock() > started + 0.5 * budget) {
      energeticDone = true;
      const limit = Math.min(deadline, clock() + 0.2 * budget);
      const sharper = lowerBounds(dag, { upper: incumbent.makespan, deadline: limit, clock });
      if (sharper.best > bounds.best) bounds = sharper;
      if (optimal()) break;
    }
    if (search !== null && stepsUntilExact <= 0) {
      const factor = luby(attempt);
      exactKey(attempt++, dag, fastest, tail!, random, key);
      const target = incumbent.makespan - 1;
      const found = search.within(target, { nodeLimit: EXACT_NODES * factor, deadline, clock }, key);
      if (found) {
        consider(found, 'exact');
        copySchedule(incumbent, walk);
      } else if (found === null) {
        // Proven impossible: every makespan up to the target is, so the bound rises to the incumbent.
        bounds = { ...bounds, best: Math.max(bounds.best, target + 1) };
      }
      stepsUntilExact = factor * LOCAL_STEPS_PER_EXACT;
      continue;
    }
    stepsUntilExact--;
    iterations++;
    if (++stale > RESTART_AFTER) {
      stale = 0;
      for (let t = 0; t < n; t++) prio[t] = rankU[t]! * (0.7 + 0.6 * random());
    } else {
      const strength = scale * perturbation * (0.5 + 2 * random());
      for (let t = 0; t < n; t++) prio[t] = -(walk.start[t]! + strength * random());
    }
    const s = searchForward.run(prio, a);
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
