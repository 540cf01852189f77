// Whole-request placement pieces without the agent: a fleet busy with other work (`readyMs`) is planned
// around by every algorithm, and a re-plan keeps started steps where they are.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { placePlan, type PlanFleet, type PlanTask } from '../../agent/router/dag';
import type { CodeletDemand } from '../../agent/router/scoring';

const demand = (id: string): CodeletDemand => ({ id, class: 'cpu-bound', estimatedMs: null, profile: { cpu: 0.9, memory: 0.1, io: 0, gpu: 0 } });
/** Known times per codelet and fleet. */
const TIMES: Record<string, Record<string, number>> = { a: { fast: 10, slow: 15 }, b: { fast: 10, slow: 15 }, c: { fast: 10, slow: 25 } };
const predict = (c: string, f: string) => ({ ms: TIMES[c]![f]!, basis: 'history' as const, runs: 10, spreadMs: 0 });
const tasks: PlanTask[] = [
  { id: 's1', dependsOn: [], codelet: demand('a') },
  { id: 's2', dependsOn: [], codelet: demand('b') },
  { id: 's3', dependsOn: ['s2'], codelet: demand('c') },
];
const fleets = (fastReady?: number): PlanFleet[] => [
  { id: 'fast', specialisation: 'cpu', workers: 1, ...(fastReady === undefined ? {} : { readyMs: fastReady }) },
  { id: 'slow', specialisation: 'cpu', workers: 1 },
];
const where = (r: ReturnType<typeof placePlan>): Record<string, string> => Object.fromEntries(r.assignments.map((a) => [a.task, a.fleet]));

for (const algorithm of ['heft', 'peft', 'best'] as const) {
  test(`${algorithm}: the step with a successor gets the fast fleet; a fast fleet busy for a while is planned around`, () => {
    const free = placePlan(tasks, fleets(), predict, { algorithm, budgetMs: 0 });
    assert.deepEqual(where(free), { s1: 'slow', s2: 'fast', s3: 'fast' });
    assert.equal(free.makespan, 20);
    assert.deepEqual(free.costMs.s3, { fast: 10, slow: 25 });
    // Other work holds `fast` for 100 ms: everything that can runs on `slow`, nothing starts on `fast` before 100.
    const busy = placePlan(tasks, fleets(100), predict, { algorithm, budgetMs: 0 });
    assert.deepEqual(where(busy), { s1: 'slow', s2: 'slow', s3: 'slow' });
    assert.equal(busy.makespan, 55);
    assert.equal(busy.assignments.length, 3, 'the placeholders for the other work are not in the plan');
    // Busy only briefly: worth waiting for.
    const brief = placePlan(tasks, fleets(2), predict, { algorithm, budgetMs: 0 });
    assert.equal(where(brief).s3, 'fast');
    for (const a of brief.assignments) if (a.fleet === 'fast') assert.ok(a.start >= 2, `${a.task} starts at ${a.start}`);
  });

  test(`${algorithm}: re-planning in flight keeps started steps and moves a waiting one off an overrunning fleet`, () => {
    // s2 ran on slow (40 ms, expected 15); s1 on fast is expected to run until 70 (overrun); now is 40.
    const started = [
      { task: 's1', fleet: 'fast', worker: 0, start: 0, finish: 70 },
      { task: 's2', fleet: 'slow', worker: 0, start: 0, finish: 40 },
    ];
    const r = placePlan(tasks, fleets(), predict, { algorithm, budgetMs: 0, progress: { started, now: 40 } });
    for (const s of started) assert.deepEqual(r.assignments.find((a) => a.task === s.task), s);
    const s3 = r.assignments.find((a) => a.task === 's3')!;
    assert.deepEqual([s3.fleet, s3.start, s3.finish], ['slow', 40, 65]);
    // Fast's own step is fixed on its worker; other work elsewhere on it does not double-count it.
    const again = placePlan(tasks, fleets(60), predict, { algorithm, budgetMs: 0, progress: { started, now: 40 } });
    assert.equal(again.assignments.find((a) => a.task === 's3')!.fleet, 'slow');
  });
}
