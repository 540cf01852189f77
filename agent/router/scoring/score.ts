// The score of a codelet on each fleet, and the choice among them, with every component kept so the
// decision can be explained (the agent stores the candidates; the editor shows them).
//   expected finish = queue wait now + expected execution time there + time to move the inputs there
//   cost            = fleet cost per second × expected execution time
//   match           = how well the codelet's resource profile fits the fleet's specialisation (0..1)
// Lower score is better: weights.time · finish/fastest + weights.cost · cost/dearest + weights.match · (1 − match)
// (time as a ratio to the fastest, cost as a share of the dearest, so the weights compare like with like).
// A fleet that cannot run the codelet (no GPU, too little memory, unavailable) is never chosen.
import type { CodeletClass, Profile } from '../../../server/analysis/metadata';
import type { Prediction, PredictionBasis } from '../models/perf-model';

export type Specialisation = 'cpu' | 'memory' | 'gpu' | 'io' | 'general';

/** What scoring needs to know of a fleet right now. */
export interface FleetView {
  id: string;
  specialisation: Specialisation;
  /** Default: true only for a `gpu` fleet. */
  hasGpu?: boolean;
  /** Memory a worker may use (MB); undefined = no limit known. */
  memoryLimitMb?: number;
  /** Default 0. */
  costPerSecond?: number;
  /** Expected wait before a worker of this fleet can start it (ms), default 0. */
  queueWaitMs?: number;
  /** Time to move one MB of input to this fleet (ms), default 0 (same machine). */
  transferMsPerMb?: number;
  /** False when the fleet cannot take work (no workers and cannot scale). Default true. */
  available?: boolean;
}

/** What scoring needs to know of a codelet invocation. */
export interface CodeletDemand {
  id: string;
  class: CodeletClass;
  profile: Profile;
  /** Static estimate (ms): the prior of the time model. */
  estimatedMs?: number | null;
  /** Memory the invocation needs (MB). */
  memoryMb?: number;
  /** Default: class 'gpu'. */
  needsGpu?: boolean;
  /** Size of the inputs to move (MB), and the fleet where they already are (no transfer there). */
  inputMb?: number;
  inputsOn?: string;
  /** Input size for size-dependent models. */
  size?: number;
}

export interface ScoringSettings {
  weights: { time: number; cost: number; match: number };
  /** Once a fleet has measured runs, its match weight is multiplied by this: measurements beat guesses. */
  measuredMatchFactor: number;
  /** "Cheapest within X of fastest": 0.2 picks the cheapest fleet whose finish is within 20 % of the fastest. */
  cheapestWithin?: number;
  /** Time assumed on a fleet with no model and no static estimate (ms). */
  unknownMs: number;
}

export const DEFAULT_SCORING: ScoringSettings = {
  weights: { time: 1, cost: 0.1, match: 0.3 },
  measuredMatchFactor: 0.2,
  unknownMs: 10,
};

export interface Candidate {
  fleet: string;
  eligible: boolean;
  /** Why it cannot run the codelet. */
  ineligible?: string;
  match: number;
  queueWaitMs: number;
  expectedMs: number;
  transferMs: number;
  finishMs: number;
  cost: number;
  basis: PredictionBasis;
  runs: number;
  /** Weighted parts of the score; their sum is `score` (Infinity when ineligible). */
  components: { time: number; cost: number; match: number };
  score: number;
}

export interface Decision {
  codelet: string;
  /** The chosen fleet, null when none is eligible. */
  fleet: string | null;
  mode: 'weighted' | 'cheapest-within';
  /** One sentence a person can read. */
  reason: string;
  /** Every fleet considered, best first (ineligible last). */
  candidates: Candidate[];
}

/** The fleet specialisation each class of codelet suits best. */
export const SPECIALISATION_OF_CLASS: Record<CodeletClass, Specialisation> = {
  'cpu-bound': 'cpu',
  'io-bound': 'io',
  'memory-bound': 'memory',
  gpu: 'gpu',
  mixed: 'general',
  trivial: 'general',
};

/** How well a profile fits a specialisation, 0..1. A general fleet fits everything moderately. */
export function profileMatch(codelet: Pick<CodeletDemand, 'class' | 'profile'>, spec: Specialisation): number {
  if (spec === 'general') return 0.6;
  const p = codelet.profile;
  const total = p.cpu + p.memory + p.io + p.gpu;
  const share = total > 0 ? p[spec] / total : 0;
  const classFits = SPECIALISATION_OF_CLASS[codelet.class] === spec ? 1 : 0;
  return 0.5 * classFits + 0.5 * share;
}

export function eligibility(codelet: CodeletDemand, fleet: FleetView): string | undefined {
  if (fleet.available === false) return 'fleet unavailable';
  const needsGpu = codelet.needsGpu ?? codelet.class === 'gpu';
  const hasGpu = fleet.hasGpu ?? fleet.specialisation === 'gpu';
  if (needsGpu && !hasGpu) return 'needs a GPU, fleet has none';
  if (codelet.memoryMb !== undefined && fleet.memoryLimitMb !== undefined && codelet.memoryMb > fleet.memoryLimitMb) {
    return `needs ${codelet.memoryMb} MB, workers have ${fleet.memoryLimitMb} MB`;
  }
  return undefined;
}

/**
 * Scores every fleet for the codelet and picks one. `predict(fleet)` gives the expected execution time
 * there (from the models; the static estimate as prior).
 */
export function scoreFleets(
  codelet: CodeletDemand,
  fleets: readonly FleetView[],
  predict: (fleet: string) => Prediction,
  settings: Partial<ScoringSettings> = {},
): Decision {
  const s: ScoringSettings = { ...DEFAULT_SCORING, ...settings, weights: { ...DEFAULT_SCORING.weights, ...settings.weights } };
  const candidates: Candidate[] = fleets.map((fleet) => {
    const ineligible = eligibility(codelet, fleet);
    const p = predict(fleet.id);
    const expectedMs = Number.isFinite(p.ms) ? p.ms : (codelet.estimatedMs ?? s.unknownMs);
    const transferMs = codelet.inputsOn === fleet.id ? 0 : (codelet.inputMb ?? 0) * (fleet.transferMsPerMb ?? 0);
    const queueWaitMs = fleet.queueWaitMs ?? 0;
    return {
      fleet: fleet.id,
      eligible: ineligible === undefined,
      ...(ineligible === undefined ? {} : { ineligible }),
      match: profileMatch(codelet, fleet.specialisation),
      queueWaitMs,
      expectedMs,
      transferMs,
      finishMs: queueWaitMs + expectedMs + transferMs,
      cost: ((fleet.costPerSecond ?? 0) * expectedMs) / 1000,
      basis: p.basis,
      runs: p.runs,
      components: { time: 0, cost: 0, match: 0 },
      score: Infinity,
    };
  });
  const eligible = candidates.filter((c) => c.eligible);
  const mode = s.cheapestWithin === undefined ? 'weighted' : 'cheapest-within';
  if (eligible.length === 0) {
    return { codelet: codelet.id, fleet: null, mode, reason: 'no fleet can run this codelet', candidates: sortCandidates(candidates) };
  }
  const fastest = Math.min(...eligible.map((c) => c.finishMs));
  const dearest = Math.max(...eligible.map((c) => c.cost));
  for (const c of eligible) {
    const measured = c.basis === 'history' || c.basis === 'regression';
    c.components = {
      time: s.weights.time * (fastest > 0 ? c.finishMs / fastest : 1),
      cost: s.weights.cost * (dearest > 0 ? c.cost / dearest : 0),
      match: s.weights.match * (measured ? s.measuredMatchFactor : 1) * (1 - c.match),
    };
    c.score = c.components.time + c.components.cost + c.components.match;
  }
  let chosen: Candidate;
  let reason: string;
  if (s.cheapestWithin !== undefined) {
    const limit = fastest * (1 + s.cheapestWithin);
    const within = eligible.filter((c) => c.finishMs <= limit + 1e-9);
    chosen = within.reduce((a, b) => (b.cost < a.cost || (b.cost === a.cost && b.finishMs < a.finishMs) ? b : a));
    reason = `cheapest (${fmt(chosen.cost)}) of ${within.length} fleet(s) finishing within ${Math.round(s.cheapestWithin * 100)} % of the fastest (${fmt(fastest)} ms)`;
  } else {
    chosen = eligible.reduce((a, b) => (b.score < a.score ? b : a));
    reason = `lowest score ${fmt(chosen.score)}: finish ${fmt(chosen.finishMs)} ms (wait ${fmt(chosen.queueWaitMs)} + run ${fmt(chosen.expectedMs)} [${chosen.basis}${chosen.runs ? `, ${chosen.runs} runs` : ''}] + transfer ${fmt(chosen.transferMs)}), cost ${fmt(chosen.cost)}, match ${fmt(chosen.match)}`;
  }
  const skipped = candidates.filter((c) => !c.eligible);
  if (skipped.length) reason += `; not eligible: ${skipped.map((c) => `${c.fleet} (${c.ineligible})`).join(', ')}`;
  return { codelet: codelet.id, fleet: chosen.fleet, mode, reason, candidates: sortCandidates(candidates, chosen.fleet) };
}

function sortCandidates(cs: Candidate[], first?: string): Candidate[] {
  return cs.slice().sort((a, b) => Number(b.fleet === first) - Number(a.fleet === first) || Number(b.eligible) - Number(a.eligible) || a.score - b.score);
}

function fmt(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(x < 10 ? 2 : 1);
}
