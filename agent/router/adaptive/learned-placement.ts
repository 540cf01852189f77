// The adaptive placer behind the agent's `Placement` interface (agent/router/placement.ts), so the
// orchestrator can swap it in for the class-affinity policy: measured class and times when the codelet has
// run enough, the static ones before; queue wait from the fleet's expected start; every decision kept with
// its candidates for the editor. A decomposed request is placed as a whole (`planRequest`, a DAG schedule
// revised as its steps finish: request-plan.ts) unless the plan settings say `off`.
import type { Codelet } from '../../../server/analysis/metadata';
import type { FleetView as AgentFleetView, Placement, PlacementDecision as AgentDecision, PlanStepDemand } from '../placement';
import type { Observation } from '../models/store';
import type { PlacementExplanation } from '../../protocol';
import { toExplanation } from './explain';
import type { CodeletDemand, FleetView } from '../scoring/score';
import { AdaptivePlacer, type PlacementDecision } from './placer';
import { RequestPlan } from './request-plan';

/** What the agent's fleet view does not carry but scoring can use (from the fleet config). */
export type FleetFacts = Pick<FleetView, 'memoryLimitMb' | 'costPerSecond' | 'hasGpu' | 'transferMsPerMb' | 'available'> & {
  /** Invocations the fleet can run at once at its largest (max workers × concurrency per worker), for plans. */
  slots?: number;
};

/** Runs before the measured class replaces the analyser's (as the agent's own placement does). */
const MIN_MEASURED_RUNS = 5;
/** Weight of the newest result size in its running mean. */
const OUTPUT_ALPHA = 0.2;

export class LearnedPlacement implements Placement {
  /** The latest decision per codelet id, with every candidate and its score components. */
  readonly explanations = new Map<string, PlacementDecision>();
  /** Running mean of each codelet's result size (bytes), for the transfer times in request plans. */
  private readonly outputBytes = new Map<string, number>();

  constructor(
    readonly placer: AdaptivePlacer = new AdaptivePlacer(),
    private readonly facts: (fleet: string) => FleetFacts | undefined = () => undefined,
    private readonly clock: () => number = Date.now,
  ) {}

  place(codelet: Codelet, fleets: readonly AgentFleetView[]): AgentDecision & { explanation: PlacementExplanation } {
    const decision = this.placer.choose(this.demand(codelet), this.views(fleets), this.clock());
    this.explanations.set(codelet.id, decision);
    if (decision.fleet === null) {
      throw new Error(`no fleet can run ${codelet.id}: ${decision.candidates.map((c) => `${c.fleet} (${c.ineligible})`).join(', ')}`);
    }
    return { fleet: decision.fleet, reason: decision.reason, explanation: toExplanation({ ...decision, fleet: decision.fleet }) };
  }

  /**
   * A decomposed request of two or more steps over two or more fleets, placed as a whole; undefined (each
   * step placed on its own) when plans are off or there is nothing to choose between.
   */
  planRequest(steps: readonly PlanStepDemand[], fleets: readonly AgentFleetView[]): RequestPlan | undefined {
    if (this.placer.settings.plan.algorithm === 'off' || steps.length < 2 || fleets.length < 2) return undefined;
    return new RequestPlan(steps, fleets, {
      placer: this.placer,
      demand: (c) => this.demand(c),
      views: (f) => this.views(f),
      slots: (id) => this.facts(id)?.slots ?? 1,
      outputMb: (id) => {
        const b = this.outputBytes.get(id);
        return b === undefined ? undefined : b / 2 ** 20;
      },
      remember: (id, d) => this.explanations.set(id, d),
      clock: this.clock,
    });
  }

  /** Feed a measured invocation back (execution time, not queue wait). */
  observe(o: Observation): void {
    this.placer.observe({ at: this.clock(), ...o });
  }

  /** A measured result size (bytes) of a codelet. */
  observeOutput(codelet: string, bytes: number): void {
    const prev = this.outputBytes.get(codelet);
    this.outputBytes.set(codelet, prev === undefined ? bytes : prev + OUTPUT_ALPHA * (bytes - prev));
  }

  private demand(codelet: Codelet): CodeletDemand {
    const measured = codelet.measured && codelet.measured.runs >= MIN_MEASURED_RUNS ? codelet.measured : undefined;
    return {
      id: codelet.id,
      class: measured?.class ?? codelet.class,
      profile: measured?.profile ?? codelet.profile,
      estimatedMs: codelet.estimatedMs ?? measured?.p50Ms ?? null,
    };
  }

  private views(fleets: readonly AgentFleetView[]): FleetView[] {
    return fleets.map((f) => {
      const { slots: _slots, ...facts } = this.facts(f.id) ?? {};
      return { id: f.id, specialisation: f.specialisation, queueWaitMs: f.expectedStartMs(), ...facts };
    });
  }
}
