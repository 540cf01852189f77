// Running a named algorithm on a graph and naming the result (task, fleet, worker within fleet, times).
import { DagInputError, compileDag, type Dag } from './graph';
import { heft } from './heft';
import { peft } from './peft';
import { best, type BestOptions } from './best';
import type { LowerBounds } from './bounds';
import { ListScheduler, copySchedule, emptySchedule, type Schedule } from './list-scheduler';
import { downwardRank, meanCost, optimisticCostTable, upwardRank } from './ranks';

export const ALGORITHMS = ['heft', 'peft', 'best'] as const;
export type Algorithm = (typeof ALGORITHMS)[number];

export interface Assignment {
  task: string;
  fleet: string;
  /** Index of the worker within its fleet (0-based). */
  worker: number;
  start: number;
  finish: number;
}

export interface ScheduleResult {
  makespan: number;
  assignments: Assignment[];
}

/** Schedules a compiled graph; `best` also reports its lower bounds and whether it proved optimality. */
export function scheduleDag(
  dag: Dag,
  algorithm: Algorithm = 'best',
  options: BestOptions = {},
): { schedule: Schedule; bounds?: LowerBounds; provenOptimal?: boolean } {
  if (algorithm === 'heft') return { schedule: heft(dag) };
  if (algorithm === 'peft') return { schedule: peft(dag) };
  const r = best(dag, options);
  return { schedule: r.schedule, bounds: r.bounds, provenOptimal: r.provenOptimal };
}

/** Named assignments in start order (ties: task order in the input). */
export function toAssignments(dag: Dag, s: Schedule): Assignment[] {
  const order = Array.from({ length: dag.n }, (_, t) => t).sort((x, y) => s.start[x]! - s.start[y]! || x - y);
  return order.map((t) => {
    const w = s.worker[t]!;
    const f = dag.workerFleet[w]!;
    return { task: dag.taskIds[t]!, fleet: dag.fleetIds[f]!, worker: w - dag.fleetFirstWorker[f]!, start: s.start[t]!, finish: s.finish[t]! };
  });
}

/** Parses, validates and schedules one graph given as JSON-parsed input. */
export function scheduleGraph(input: unknown, algorithm: Algorithm = 'best', options: BestOptions = {}): ScheduleResult {
  const dag = compileDag(input);
  const { schedule } = scheduleDag(dag, algorithm, options);
  return { makespan: dag.n === 0 ? 0 : schedule.makespan, assignments: toAssignments(dag, schedule) };
}


/** A task already started (or done) when re-planning: where it runs and when it (is expected to) finish. */
export interface FixedAssignment {
  task: string;
  fleet: string;
  worker: number;
  start: number;
  finish: number;
}

/**
 * The tasks already placed when a graph is re-planned, as a partial schedule: `mask[t]` is 1 for each of
 * them. Refuses a task, fleet or worker the graph does not have.
 */
export function fixedSchedule(dag: Dag, fixed: readonly FixedAssignment[]): { mask: Uint8Array; schedule: Schedule } {
  const taskIndex = new Map(dag.taskIds.map((id, i) => [id, i]));
  const fleetIndex = new Map(dag.fleetIds.map((id, i) => [id, i]));
  const mask = new Uint8Array(dag.n);
  const schedule = emptySchedule(dag.n);
  for (const a of fixed) {
    const t = taskIndex.get(a.task);
    const f = fleetIndex.get(a.fleet);
    if (t === undefined) throw new DagInputError([`re-plan: unknown task "${a.task}"`]);
    if (f === undefined) throw new DagInputError([`re-plan: task "${a.task}" on unknown fleet "${a.fleet}"`]);
    const w = dag.fleetFirstWorker[f]! + a.worker;
    if (!Number.isInteger(a.worker) || a.worker < 0 || w >= dag.fleetFirstWorker[f + 1]!) throw new DagInputError([`re-plan: task "${a.task}" on worker ${a.worker} of fleet "${a.fleet}", which it does not have`]);
    mask[t] = 1;
    schedule.worker[t] = w;
    schedule.start[t] = a.start;
    schedule.finish[t] = a.finish;
  }
  return { mask, schedule };
}

/**
 * Re-plans a graph in flight: `fixed` tasks keep their worker and times (actual, or expected finish for
 * running ones), the rest start at `now` or later, placed by the best of several priority orders (HEFT's
 * upward rank, PEFT's optimistic costs, upward + downward rank, and seeded perturbations within the budget).
 */
export function replanDag(dag: Dag, fixed: readonly FixedAssignment[], now: number, options: { budgetMs?: number; seed?: number } = {}): ScheduleResult {
  const deadline = performance.now() + (options.budgetMs ?? 2);
  const { mask, schedule: base } = fixedSchedule(dag, fixed);
  const scheduler = new ListScheduler(dag);
  const mean = meanCost(dag);
  const rankU = upwardRank(dag, mean);
  const { oct, rank } = optimisticCostTable(dag);
  const d = downwardRank(dag, mean);
  const ud = rankU.map((x, t) => x + d[t]!);
  const bestSchedule = emptySchedule(dag.n);
  const trial = emptySchedule(dag.n);
  const attempt = (priority: Float64Array, bias: Float64Array | null) => {
    copySchedule(base, trial);
    scheduler.run(priority, trial, bias, true, mask, now);
    if (trial.makespan < bestSchedule.makespan) copySchedule(trial, bestSchedule);
  };
  attempt(rankU, null);
  attempt(rank, oct);
  attempt(ud, null);
  let state = (options.seed ?? 1) >>> 0;
  const random = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 4294967296);
  const noisy = new Float64Array(dag.n);
  while (performance.now() < deadline) {
    for (let t = 0; t < dag.n; t++) noisy[t] = rankU[t]! * (0.85 + 0.3 * random());
    attempt(noisy, null);
  }
  return { makespan: dag.n ? bestSchedule.makespan : 0, assignments: toAssignments(dag, bestSchedule) };
}
