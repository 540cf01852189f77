// PEFT (Arabnejad & Barbosa, 2014): ready tasks in decreasing rank_oct, each on the worker minimising
// EFT + OCT (the optimistic cost of what still follows it from there), with insertion into idle gaps.
import type { Dag } from './graph';
import { ListScheduler, emptySchedule, type Schedule } from './list-scheduler';
import { optimisticCostTable } from './ranks';

export function peft(dag: Dag, scheduler = new ListScheduler(dag)): Schedule {
  const { oct, rank } = optimisticCostTable(dag);
  return scheduler.run(rank, emptySchedule(dag.n), oct);
}
