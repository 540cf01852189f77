// A placement decision in the agent protocol's form (agent/protocol.ts PlacementExplanation): plain JSON,
// with `null` for the score of a fleet that cannot run the codelet (JSON has no Infinity).
import type { PlacementExplanation } from '../../protocol';
import type { PlacementDecision } from './placer';

export function toExplanation(d: PlacementDecision & { fleet: string }): PlacementExplanation {
  return {
    codelet: d.codelet,
    fleet: d.fleet,
    best: d.best,
    explored: d.explored,
    mode: d.mode,
    reason: d.reason,
    at: d.at,
    candidates: d.candidates.map((c) => ({
      fleet: c.fleet,
      eligible: c.eligible,
      ...(c.ineligible === undefined ? {} : { ineligible: c.ineligible }),
      match: c.match,
      queueWaitMs: c.queueWaitMs,
      expectedMs: c.expectedMs,
      transferMs: c.transferMs,
      finishMs: c.finishMs,
      cost: c.cost,
      basis: c.basis,
      runs: c.runs,
      components: { ...c.components },
      score: Number.isFinite(c.score) ? c.score : null,
    })),
  };
}
