// DAG scheduling across fleets: the one entry point the CLI and the agent use.
export { compileDag, reverseDag, DagInput, DagInputError, type Dag } from './graph';
export { ListScheduler, emptySchedule, copySchedule, type Schedule } from './list-scheduler';
export { upwardRank, downwardRank, optimisticCostTable, meanCost, minCost } from './ranks';
export { lowerBounds, headsAndTails, type LowerBounds } from './bounds';
export { heft } from './heft';
export { peft } from './peft';
export { best, leftShift, defaultBudgetMs, type BestOptions, type BestResult } from './best';
export { ExactSearch, scheduleWithin, isIdenticalWithoutTransfers, type ExactOptions } from './exact';
export { ProfileScheduler, profileApplies } from './profile-scheduler';
export { budgetClock, threadCpuMs } from './clock';
export { ALGORITHMS, scheduleDag, scheduleGraph, toAssignments, replanDag, type Algorithm, type Assignment, type ScheduleResult, type FixedAssignment } from './schedule';
export { planToDag, placePlan, type PlanTask, type PlanFleet, type PlanPlacement, type PlacePlanOptions } from './from-plan';
