// A request's plan as a task graph for the DAG schedulers: each step is a task whose time on each fleet
// comes from the performance models (the static estimate as prior), fleets that cannot run its codelet are
// left out of its cost map, and a data edge costs the time to move the step's result to another worker.
// The agent calls `placePlan` with what it knows now; re-calling it for the steps not yet started (with the
// finished ones' results in place) is how later placements use what became known.
import type { Prediction } from '../models/perf-model';
import { eligibility, type CodeletDemand, type FleetView } from '../scoring/score';
import { compileDag, type Dag } from './graph';
import { replanDag, scheduleDag, toAssignments, type Algorithm, type Assignment, type FixedAssignment } from './schedule';
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
}

export interface PlanPlacement {
  makespan: number;
  /** Per step: fleet, worker within the fleet, expected start and finish (ms from the plan's start). */
  assignments: Assignment[];
  /** Steps no fleet can run (their codelet needs a GPU, more memory…), with why. Empty when placed. */
  unplaceable: { step: string; reasons: string[] }[];
}

export interface PlacePlanOptions extends BestOptions {
  algorithm?: Algorithm;
  /** Fixed cost of handing a result to another worker (serialisation, message), ms. Default 0.05. */
  handoffMs?: number;
  /** Time assumed when neither a model nor a static estimate exists (ms). Default 10. */
  unknownMs?: number;
  /**
   * Re-planning a request in flight: steps already started or done (`task` = step id; `finish` actual, or
   * expected for a running step) keep their place; the others start at `now` or later.
   */
  progress?: { started: readonly FixedAssignment[]; now: number };
}

/** Builds the graph; `predict(codeletId, fleetId, demand)` is usually `models.predict(...)`. */
export function planToDag(
  tasks: readonly PlanTask[],
  fleets: readonly PlanFleet[],
  predict: (codelet: string, fleet: string, demand: CodeletDemand) => Prediction,
  options: Pick<PlacePlanOptions, 'handoffMs' | 'unknownMs'> = {},
): { dag: Dag | null; unplaceable: PlanPlacement['unplaceable'] } {
  const unplaceable: PlanPlacement['unplaceable'] = [];
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
    return { id: t.id, cost };
  });
  if (unplaceable.length) return { dag: null, unplaceable };
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const edges = tasks.flatMap((t) =>
    t.dependsOn.map((from) => ({ from, to: t.id, cost: handoff + (byId.get(from)?.outputMb ?? 0) * meanTransfer })),
  );
  return { dag: compileDag({ fleets: fleets.map((f) => ({ id: f.id, workers: f.workers })), tasks: graphTasks, edges }), unplaceable };
}

/** Places a whole plan across fleets (default: the `best` scheduler with a small budget). */
export function placePlan(
  tasks: readonly PlanTask[],
  fleets: readonly PlanFleet[],
  predict: (codelet: string, fleet: string, demand: CodeletDemand) => Prediction,
  options: PlacePlanOptions = {},
): PlanPlacement {
  const { dag, unplaceable } = planToDag(tasks, fleets, predict, options);
  if (!dag) return { makespan: NaN, assignments: [], unplaceable };
  if (options.progress) {
    const r = replanDag(dag, options.progress.started, options.progress.now, { budgetMs: options.budgetMs ?? 2, seed: options.seed });
    return { ...r, unplaceable };
  }
  const { schedule } = scheduleDag(dag, options.algorithm ?? 'best', { budgetMs: options.budgetMs ?? 5, ...options });
  return { makespan: dag.n ? schedule.makespan : 0, assignments: toAssignments(dag, schedule), unplaceable };
}
