// The adaptive placer behind the agent's `Placement` interface (agent/router/placement.ts), so the
// orchestrator can swap it in for the class-affinity policy: measured class and times when the codelet has
// run enough, the static ones before; queue wait from the fleet's expected start; every decision kept with
// its candidates for the editor.
import type { Codelet } from '../../../server/analysis/metadata';
import type { FleetView as AgentFleetView, Placement, PlacementDecision as AgentDecision } from '../placement';
import type { Observation } from '../models/store';
import type { PlacementExplanation } from '../../protocol';
import { toExplanation } from './explain';
import type { CodeletDemand, FleetView } from '../scoring/score';
import { AdaptivePlacer, type PlacementDecision } from './placer';

/** What the agent's fleet view does not carry but scoring can use (from the fleet config). */
export type FleetFacts = Pick<FleetView, 'memoryLimitMb' | 'costPerSecond' | 'hasGpu' | 'transferMsPerMb' | 'available'>;

/** Runs before the measured class replaces the analyser's (as the agent's own placement does). */
const MIN_MEASURED_RUNS = 5;

export class LearnedPlacement implements Placement {
  /** The latest decision per codelet id, with every candidate and its score components. */
  readonly explanations = new Map<string, PlacementDecision>();

  constructor(
    readonly placer: AdaptivePlacer = new AdaptivePlacer(),
    private readonly facts: (fleet: string) => FleetFacts | undefined = () => undefined,
    private readonly clock: () => number = Date.now,
  ) {}

  place(codelet: Codelet, fleets: readonly AgentFleetView[]): AgentDecision & { explanation: PlacementExplanation } {
    const measured = codelet.measured && codelet.measured.runs >= MIN_MEASURED_RUNS ? codelet.measured : undefined;
    const demand: CodeletDemand = {
      id: codelet.id,
      class: measured?.class ?? codelet.class,
      profile: measured?.profile ?? codelet.profile,
      estimatedMs: codelet.estimatedMs ?? measured?.p50Ms ?? null,
    };
    const views: FleetView[] = fleets.map((f) => ({ id: f.id, specialisation: f.specialisation, queueWaitMs: f.expectedStartMs(), ...this.facts(f.id) }));
    const decision = this.placer.choose(demand, views, this.clock());
    this.explanations.set(codelet.id, decision);
    if (decision.fleet === null) {
      throw new Error(`no fleet can run ${codelet.id}: ${decision.candidates.map((c) => `${c.fleet} (${c.ineligible})`).join(', ')}`);
    }
    return { fleet: decision.fleet, reason: decision.reason, explanation: toExplanation({ ...decision, fleet: decision.fleet }) };
  }

  /** Feed a measured invocation back (execution time, not queue wait). */
  observe(o: Observation): void {
    this.placer.observe({ at: this.clock(), ...o });
  }
}
