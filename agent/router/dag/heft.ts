// HEFT (Topcuoglu, Hariri & Wu, 2002): tasks in decreasing upward rank, each on the worker giving the
// earliest finish time, with insertion into idle gaps.
import type { Dag } from './graph';
import { ListScheduler, emptySchedule, type Schedule } from './list-scheduler';
import { upwardRank } from './ranks';

export function heft(dag: Dag, scheduler = new ListScheduler(dag)): Schedule {
  return scheduler.run(upwardRank(dag), emptySchedule(dag.n));
}
