// A request's plan as a task graph for the DAG schedulers: each step is a task whose time on each fleet
// comes from the performance models (the static estimate as prior), fleets that cannot run its codelet are
// left out of its cost map, and a data edge costs the time to move the step's result to another worker.
// The agent calls `placePlan` with what it knows now; re-calling it for the steps not yet started (with the
// finished ones' results in place) is how later placements use what became known.
// A fleet already busy with other work (`readyMs`) is modelled by placeholder tasks, fixed on its free
// workers until then, so every algorithm (HEFT, PEFT, best) sees the same load without a change to it.
import type { Prediction } from '../models/perf-model';
import { eligibility, type CodeletDemand, type FleetView } from '../scoring/score';
import { compileDag, type Dag } from './graph';
import { ListScheduler, type Schedule } from './list-scheduler';
import { optimisticCostTable, upwardRank } from './ranks';
import { fixedSchedule, replanDag, scheduleDag, toAssignments, type Algorithm, type Assignment, type FixedAssignment } from './schedule';
import type { BestOptions } from './best';

export interface PlanTask {
  /** Step id, unique in the plan. */
  id: string;
  dependsOn: readonly string[];
  codelet: CodeletDemand;
  /** Size of the step's result (MB), for the transfer time of its out-edges. */
  outputMb?: number;
}

export interface PlanFleet extends FleetView {
  /** Workers the fleet has (or may scale to) for this plan. */
  workers: number;
  /**
   * When the fleet's workers not running one of this plan's steps can start a new one (ms on the plan's
   * clock): other requests' work queued or running there. Default: free now.
   */
  readyMs?: number;
}

export interface PlanPlacement {
  makespan: number;
  /** Per step: fleet, worker within the fleet, expected start and finish (ms from the plan's start). */
  assignments: Assignment[];
  /** Steps no fleet can run (their codelet needs a GPU, more memory…), with why. Empty when placed. */
  unplaceable: { step: string; reasons: string[] }[];
  /** Expected execution time of each step on each fleet that can run it (ms), as the scheduler saw it. */
  costMs: Record<string, Record<string, number>>;
}

export interface PlacePlanOptions extends BestOptions {
  algorithm?: Algorithm;
  /**
   * Fixed cost of handing a result to another worker (serialisation, message), ms. Default 0.05.
   * In the agent every result goes worker → agent → next worker, even between two steps on one worker;
   * the scheduler's model (free within a worker) leaves that out there. It is small beside any step, and
   * the slight pull towards keeping a chain on one worker is welcome (its code is loaded and warm).
   */
  handoffMs?: number;
  /** Time assumed when neither a model nor a static estimate exists (ms). Default 10. */
  unknownMs?: number;
  /**
   * Re-planning a request in flight: steps already started or done (`task` = step id; `finish` actual, or
   * expected for a running step) keep their place; the others start at `now` or later.
   */
  progress?: { started: readonly FixedAssignment[]; now: number };
}

/** Prefix of the placeholder tasks standing for other work on a busy fleet (never a step id: steps are `s…`). */
const BUSY = '\u0000busy:';

/** Builds the graph; `predict(codeletId, fleetId, demand)` is usually `models.predict(...)`. */
export function planToDag(
  tasks: readonly PlanTask[],
  fleets: readonly PlanFleet[],
  predict: (codelet: string, fleet: string, demand: CodeletDemand) => Prediction,
  options: Pick<PlacePlanOptions, 'handoffMs' | 'unknownMs'> = {},
  busy: readonly { id: string; fleet: string }[] = [],
): { dag: Dag | null; unplaceable: PlanPlacement['unplaceable']; costMs: PlanPlacement['costMs'] } {
  const unplaceable: PlanPlacement['unplaceable'] = [];
  const costMs: PlanPlacement['costMs'] = {};
  const handoff = options.handoffMs ?? 0.05;
  const meanTransfer = fleets.length ? fleets.reduce((a, f) => a + (f.transferMsPerMb ?? 0), 0) / fleets.length : 0;
  const graphTasks = tasks.map((t) => {
    const cost: Record<string, number> = {};
    const reasons: string[] = [];
    for (const f of fleets) {
      const why = eligibility(t.codelet, f);
      if (why) {
        reasons.push(`${f.id}: ${why}`);
        continue;
      }
      const p = predict(t.codelet.id, f.id, t.codelet);
      cost[f.id] = Number.isFinite(p.ms) ? p.ms : (t.codelet.estimatedMs ?? options.unknownMs ?? 10);
    }
    if (Object.keys(cost).length === 0) unplaceable.push({ step: t.id, reasons });
    costMs[t.id] = cost;
    return { id: t.id, cost };
  });
  if (unplaceable.length) return { dag: null, unplaceable, costMs };
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const edges = tasks.flatMap((t) =>
    t.dependsOn.map((from) => ({ from, to: t.id, cost: handoff + (byId.get(from)?.outputMb ?? 0) * meanTransfer })),
  );
  // A placeholder's cost is never used (it is fixed); it only has to be runnable on its own fleet.
  for (const b of busy) graphTasks.push({ id: b.id, cost: { [b.fleet]: 0 } });
  return { dag: compileDag({ fleets: fleets.map((f) => ({ id: f.id, workers: f.workers })), tasks: graphTasks, edges }), unplaceable, costMs };
}

/** Places a whole plan across fleets (default: the `best` scheduler with a small budget). */
export function placePlan(
  tasks: readonly PlanTask[],
  fleets: readonly PlanFleet[],
  predict: (codelet: string, fleet: string, demand: CodeletDemand) => Prediction,
  options: PlacePlanOptions = {},
): PlanPlacement {
  const now = options.progress?.now ?? 0;
  const started = options.progress?.started ?? [];
  // Other work on a fleet occupies each of its workers that no step of this plan is running on, until readyMs.
  const busy: FixedAssignment[] = [];
  for (const f of fleets) {
    if (!(f.readyMs !== undefined && f.readyMs > now)) continue;
    for (let w = 0; w < f.workers; w++) {
      if (started.some((s) => s.fleet === f.id && s.worker === w && s.finish > now)) continue;
      busy.push({ task: `${BUSY}${f.id}#${w}`, fleet: f.id, worker: w, start: now, finish: f.readyMs });
    }
  }
  const { dag, unplaceable, costMs } = planToDag(tasks, fleets, predict, options, busy.map((b) => ({ id: b.task, fleet: b.fleet })));
  if (!dag) return { makespan: NaN, assignments: [], unplaceable, costMs };
  const fixed = [...started, ...busy];
  const algorithm = options.algorithm ?? 'best';
  let assignments: Assignment[];
  if (fixed.length === 0 && now === 0) {
    const { schedule } = scheduleDag(dag, algorithm, { budgetMs: options.budgetMs ?? 5, ...options });
    assignments = toAssignments(dag, schedule);
  } else if (algorithm === 'best') {
    assignments = replanDag(dag, fixed, now, { budgetMs: options.budgetMs ?? 2, seed: options.seed }).assignments;
  } else {
    assignments = toAssignments(dag, listWithFixed(dag, fixed, now, algorithm));
  }
  assignments = assignments.filter((a) => !a.task.startsWith(BUSY));
  return { makespan: assignments.reduce((m, a) => Math.max(m, a.finish), 0), assignments, unplaceable, costMs };
}

/** HEFT's or PEFT's list schedule with some tasks fixed and the rest released at `now`. */
function listWithFixed(dag: Dag, fixed: readonly FixedAssignment[], now: number, algorithm: 'heft' | 'peft'): Schedule {
  const { mask, schedule: out } = fixedSchedule(dag, fixed);
  const scheduler = new ListScheduler(dag);
  if (algorithm === 'heft') return scheduler.run(upwardRank(dag), out, null, true, mask, now);
  const { oct, rank } = optimisticCostTable(dag);
  return scheduler.run(rank, out, oct, true, mask, now);
}
