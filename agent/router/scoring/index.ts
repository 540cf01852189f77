// Scoring a codelet on fleets: eligibility, expected finish, cost, profile match, explained decisions.
export {
  scoreFleets,
  profileMatch,
  eligibility,
  DEFAULT_SCORING,
  type FleetView,
  type CodeletDemand,
  type ScoringSettings,
  type Candidate,
  type Decision,
  type Specialisation,
} from './score';
