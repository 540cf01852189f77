// The learning placement loop (models + scoring + bounded exploration), for the agent's Placement.
export { AdaptivePlacer, DEFAULT_ADAPTIVE, DEFAULT_PLAN, type AdaptiveSettings, type AdaptiveOptions, type PlanSettings, type PlacementDecision } from './placer';
export { LearnedPlacement, type FleetFacts } from './learned-placement';
export { RequestPlan, type PlanContext } from './request-plan';
export { toExplanation } from './explain';
