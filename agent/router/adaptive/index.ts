// The learning placement loop (models + scoring + bounded exploration), for the agent's Placement.
export { AdaptivePlacer, DEFAULT_ADAPTIVE, type AdaptiveSettings, type PlacementDecision } from './placer';
export { LearnedPlacement, type FleetFacts } from './learned-placement';
export { toExplanation } from './explain';
