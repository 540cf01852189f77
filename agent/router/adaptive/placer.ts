// Placement that learns: choose a fleet for each invocation from the models and the score, and keep a
// bounded share of placements for exploration, so every eligible fleet's model stays current. That is
// what lets traffic leave a fleet that became slow and come back when it recovers.
// Deterministic given its seed (a simulation can replay it), and with no I/O: the agent feeds it fleets
// and measurements and persists `models`.
import { ModelStore, type Observation } from '../models/store';
import { scoreFleets, type CodeletDemand, type Decision, type FleetView, type ScoringSettings } from '../scoring/score';
import { seededRandom } from '../random';
import type { Algorithm } from '../dag/schedule';

/** Whole-request placement of decomposed requests (agent/router/adaptive/request-plan.ts). */
export interface PlanSettings {
  /** List scheduler for a request's plan; `off` places each step on its own, like a whole request. */
  algorithm: Algorithm | 'off';
  /** Search budget of `best`, per plan or re-plan (ms); HEFT and PEFT take none. */
  budgetMs: number;
  /**
   * Re-plan when a step ends (or is still running) more than this share of its expected time off the
   * plan, at least `replanFloorMs`, and more than `replanSpreads` times the spread of its recent runs on
   * that fleet: smaller deviations are the models' noise and timer jitter, and a re-plan on noise costs
   * the agent's thread without changing where anything goes.
   */
  replanShare: number;
  replanFloorMs: number;
  replanSpreads: number;
}

export interface AdaptiveSettings {
  /** Share of placements (per codelet, over time) that may go to a fleet other than the best-scored. */
  exploration: number;
  /** Runs each eligible fleet gets early on, before the share applies (counted on top of it). */
  warmupRuns: number;
  seed: number;
  scoring: Partial<ScoringSettings>;
  plan: PlanSettings;
}

export const DEFAULT_PLAN: PlanSettings = { algorithm: 'peft', budgetMs: 0, replanShare: 0.25, replanFloorMs: 1, replanSpreads: 2 };

export const DEFAULT_ADAPTIVE: AdaptiveSettings = { exploration: 0.1, warmupRuns: 1, seed: 1, scoring: {}, plan: DEFAULT_PLAN };

/** Settings as given (any part may be left out) over the defaults. */
export type AdaptiveOptions = Partial<Omit<AdaptiveSettings, 'plan'>> & { plan?: Partial<PlanSettings> };

export interface PlacementDecision extends Decision {
  /** Why the chosen fleet is not the best-scored one: to give a fleet its first runs, or to re-check it. */
  explored: false | 'warm-up' | 'explore';
  /** The fleet the scores alone pick. */
  best: string | null;
  at: number;
}


export class AdaptivePlacer {
  readonly settings: AdaptiveSettings;
  private readonly random: () => number;
  private readonly counts = new Map<string, { decisions: number; explorations: number }>();

  constructor(settings: AdaptiveOptions = {}, readonly models: ModelStore = new ModelStore()) {
    this.settings = { ...DEFAULT_ADAPTIVE, ...settings, plan: { ...DEFAULT_PLAN, ...settings.plan } };
    this.random = seededRandom(this.settings.seed);
  }

  choose(codelet: CodeletDemand, fleets: readonly FleetView[], now: number = Date.now()): PlacementDecision {
    const prior = codelet.estimatedMs ?? null;
    const decision = scoreFleets(codelet, fleets, (fleet) => this.models.predict(codelet.id, fleet, { prior, size: codelet.size }), this.settings.scoring);
    const count = this.counts.get(codelet.id) ?? { decisions: 0, explorations: 0 };
    this.counts.set(codelet.id, count);
    count.decisions++;
    const best = decision.fleet;
    const result: PlacementDecision = { ...decision, explored: false, best, at: now };
    if (best === null) return result;

    const eligible = decision.candidates.filter((c) => c.eligible);
    const { exploration, warmupRuns } = this.settings;
    const budget = exploration * count.decisions + warmupRuns * (eligible.length - 1);
    if (count.explorations + 1 > budget) return result;

    const runsOn = (fleet: string) => (this.models.has(codelet.id, fleet) ? this.models.model(codelet.id, fleet).runs : 0);
    const cold = eligible.filter((c) => c.fleet !== best && runsOn(c.fleet) < warmupRuns);
    let pick: string | undefined;
    let why: PlacementDecision['explored'] = false;
    if (cold.length) {
      pick = cold.reduce((a, b) => (runsOn(b.fleet) < runsOn(a.fleet) ? b : a)).fleet;
      why = 'warm-up';
    } else if (eligible.length > 1 && this.random() < exploration) {
      // Re-check the fleet heard from least recently: the one whose model is most likely out of date.
      const lastAt = (fleet: string) => (this.models.has(codelet.id, fleet) ? (this.models.model(codelet.id, fleet).lastAt ?? -Infinity) : -Infinity);
      pick = eligible.filter((c) => c.fleet !== best).reduce((a, b) => (lastAt(b.fleet) < lastAt(a.fleet) ? b : a)).fleet;
      why = 'explore';
    }
    if (pick === undefined) return result;
    count.explorations++;
    const candidates = [...decision.candidates.filter((c) => c.fleet === pick), ...decision.candidates.filter((c) => c.fleet !== pick)];
    const reason = `${why === 'warm-up' ? 'warm-up: first runs on' : 'exploring'} ${pick} (${count.explorations} of ${count.decisions} placements explored); best scored ${best}: ${decision.reason}`;
    return { ...result, fleet: pick, explored: why, reason, candidates };
  }

  /** A measured invocation: feeds the model of that codelet on that fleet. */
  observe(o: Observation): void {
    this.models.observe(o);
  }

  /** Placements and explorations so far for a codelet. */
  stats(codelet: string): { decisions: number; explorations: number } {
    return { ...(this.counts.get(codelet) ?? { decisions: 0, explorations: 0 }) };
  }
}
