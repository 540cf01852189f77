// Where an invocation runs. The orchestrator only knows the `Placement` interface, so the simple policy
// here (class → specialisation, then earliest expected start) stays as an option beside the learned policy
// (router/adaptive/learned-placement.ts), which the agent uses by default.
import type { Codelet, CodeletClass } from '../../server/analysis/metadata';
import type { Specialisation } from '../fleets/config';
import type { PlacementExplanation } from '../protocol';
import { SPECIALISATION_OF_CLASS } from './scoring/score';

/** What placement may know of a fleet: its kind and when a new invocation would start there. */
export interface FleetView {
  readonly id: string;
  readonly specialisation: Specialisation;
  expectedStartMs(): number;
}

export interface PlacementDecision {
  fleet: string;
  /** Why, for the response and the logs: `cpu-bound → cpu (starts in ~0 ms)`. */
  reason: string;
  /** Every candidate with its score, for the response and `GET /v1/codelets/{id}/placements`. */
  explanation?: PlacementExplanation;
}

export interface Placement {
  place(codelet: Codelet, fleets: readonly FleetView[]): PlacementDecision;
  /**
   * Optional: places a decomposed request's steps as a whole (a DAG) when it starts; the orchestrator then
   * asks the returned plan, not `place`, for each step as it becomes ready, and tells it when steps start
   * and finish so it can re-plan. Undefined (or no method): every invocation is placed on its own.
   */
  planRequest?(steps: readonly PlanStepDemand[], fleets: readonly FleetView[]): RequestPlacement | undefined;
}

/** A step of a decomposed request, for whole-request placement. */
export interface PlanStepDemand {
  id: string;
  /** Steps whose results it consumes. */
  needs: readonly string[];
  /** Its callee, with the latest measured figures. */
  codelet: Codelet;
}

/** The placement of one request in flight: a fleet per ready step, revised as steps finish. */
export interface RequestPlacement {
  place(step: string, codelet: Codelet, fleets: readonly FleetView[]): PlacementDecision;
  /** The step was handed to `fleet` now. */
  started(step: string, fleet: string): void;
  /** The step's invocation ended now (ok false: it failed and may be placed again). */
  finished(step: string, ok: boolean): void;
}


/** Falls back along this order when no fleet has the wanted specialisation. */
const FALLBACK: Record<Specialisation, Specialisation[]> = {
  cpu: ['general', 'memory', 'io'],
  io: ['general', 'cpu', 'memory'],
  memory: ['general', 'cpu', 'io'],
  gpu: ['cpu', 'general', 'memory', 'io'],
  general: ['cpu', 'io', 'memory'],
};

/** Runs seen before the measured class replaces the analyser's: one odd run should not move a codelet. */
export const MIN_MEASURED_RUNS = 5;

export class ClassAffinityPlacement implements Placement {
  place(codelet: Codelet, fleets: readonly FleetView[]): PlacementDecision {
    if (fleets.length === 0) throw new Error('no fleets are configured');
    // Measured behaviour beats the static guess once the agent has seen the codelet run often enough.
    // `trivial` and `mixed` measurements are inconclusive: they keep the analyser's class.
    const m = codelet.measured;
    const useMeasured = !!m && m.runs >= MIN_MEASURED_RUNS && m.class !== 'trivial' && m.class !== 'mixed';
    const cls = useMeasured ? codelet.measured!.class : codelet.class;
    const wanted = SPECIALISATION_OF_CLASS[cls];
    for (const spec of [wanted, ...FALLBACK[wanted]]) {
      const candidates = fleets.filter((f) => f.specialisation === spec);
      if (!candidates.length) continue;
      let best = candidates[0]!;
      let bestStart = best.expectedStartMs();
      for (const f of candidates.slice(1)) {
        const s = f.expectedStartMs();
        if (s < bestStart) [best, bestStart] = [f, s];
      }
      const source = useMeasured ? 'measured' : 'static';
      return { fleet: best.id, reason: `${cls} (${source}) → ${spec}${spec === wanted ? '' : ` (no ${wanted} fleet)`}, expected start ${bestStart.toFixed(1)} ms` };
    }
    const f = fleets[0]!;
    return { fleet: f.id, reason: `${cls} → ${f.id} (only fleet left)` };
  }
}
