import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { compileDag, placePlan, replanDag, type PlanFleet, type PlanTask } from '../../agent/router/dag';
import { scheduleProblems, type GraphJson } from './validate';
import { ModelStore } from '../../agent/router/models';
import type { CodeletDemand } from '../../agent/router/scoring';

const demand = (id: string, cls: CodeletDemand['class'], estimatedMs: number, extra: Partial<CodeletDemand> = {}): CodeletDemand => ({
  id, class: cls, estimatedMs, profile: { cpu: cls === 'cpu-bound' ? 0.9 : 0.1, memory: 0.1, io: cls === 'io-bound' ? 0.9 : 0, gpu: cls === 'gpu' ? 0.9 : 0 }, ...extra,
});

const steps: PlanTask[] = [
  { id: 's0', dependsOn: [], codelet: demand('src/io.ts#readA', 'io-bound', 30), outputMb: 5 },
  { id: 's1', dependsOn: [], codelet: demand('src/io.ts#readB', 'io-bound', 30), outputMb: 5 },
  { id: 's2', dependsOn: ['s0'], codelet: demand('src/hash.ts#hash', 'cpu-bound', 40) },
  { id: 's3', dependsOn: ['s1'], codelet: demand('src/ml.ts#embed', 'gpu', 200) },
  { id: 's4', dependsOn: ['s2', 's3'], codelet: demand('src/report.ts#render', 'trivial', 1) },
];

test('a plan is placed as a whole: measured times per fleet, GPU steps on the GPU fleet, dependencies respected', () => {
  const models = new ModelStore();
  for (let i = 0; i < 5; i++) {
    models.observe({ codelet: 'src/ml.ts#embed', fleet: 'gpu', ms: 20 });
    models.observe({ codelet: 'src/hash.ts#hash', fleet: 'cpu', ms: 10 });
    models.observe({ codelet: 'src/hash.ts#hash', fleet: 'io', ms: 60 });
  }
  const fleets: PlanFleet[] = [
    { id: 'cpu', specialisation: 'cpu', workers: 2, transferMsPerMb: 1 },
    { id: 'io', specialisation: 'io', workers: 4, transferMsPerMb: 1 },
    { id: 'gpu', specialisation: 'gpu', workers: 1, transferMsPerMb: 1 },
  ];
  const placed = placePlan(steps, fleets, (c, f, d) => models.predict(c, f, { prior: d.estimatedMs }));
  assert.deepEqual(placed.unplaceable, []);
  const at = new Map(placed.assignments.map((a) => [a.task, a]));
  assert.equal(at.get('s3')!.fleet, 'gpu');
  assert.equal(at.get('s3')!.finish - at.get('s3')!.start, 20, 'the measured 20 ms, not the 200 ms estimate');
  assert.equal(at.get('s2')!.fleet, 'cpu');
  for (const s of steps) for (const d of s.dependsOn) assert.ok(at.get(s.id)!.start >= at.get(d)!.finish);
  assert.equal(placed.makespan, Math.max(...placed.assignments.map((a) => a.finish)));
});

test('a step no fleet can run makes the plan unplaceable, saying which step and why', () => {
  const placed = placePlan(steps, [{ id: 'cpu', specialisation: 'cpu', workers: 2 }], () => ({ ms: NaN, basis: 'none', runs: 0, spreadMs: 0 }));
  assert.deepEqual(placed.unplaceable, [{ step: 's3', reasons: ['cpu: needs a GPU, fleet has none'] }]);
  assert.deepEqual(placed.assignments, []);
});

test('re-planning in flight: started steps keep their place, the rest start from now, the schedule stays valid', () => {
  const graph = JSON.parse(readFileSync(path.join(__dirname, '../fixtures/router/heft-paper-graph.json'), 'utf8')) as GraphJson;
  const dag = compileDag(graph);
  // T0 ran on P0 and finished late (at 30 instead of 14); T3 started on P1 at 39 (expected to end at 47).
  const started = [
    { task: 'T0', fleet: 'P0', worker: 0, start: 0, finish: 30 },
    { task: 'T3', fleet: 'P1', worker: 0, start: 39, finish: 47 },
  ];
  const now = 39;
  const r = replanDag(dag, started, now, { budgetMs: 3 });
  // T0's actual time differs from its estimate: that is the point of re-planning.
  assert.deepEqual(scheduleProblems(graph, r), ['T0 runs 30, expected 14']);
  for (const s of started) assert.deepEqual(r.assignments.find((a) => a.task === s.task), s);
  for (const a of r.assignments) if (!started.some((s) => s.task === a.task)) assert.ok(a.start >= now, `${a.task} starts at ${a.start}`);
  assert.throws(() => replanDag(dag, [{ task: 'T0', fleet: 'P7', worker: 0, start: 0, finish: 1 }], 1), /unknown fleet "P7"/);
  assert.throws(() => replanDag(dag, [{ task: 'T0', fleet: 'P0', worker: 3, start: 0, finish: 1 }], 1), /worker 3 of fleet "P0"/);
});
