// The usage-profile list scheduler (identical workers, integer times) that `best` searches with, and the
// clock `best` budgets on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { best, compileDag, emptySchedule, heft, headsAndTails, minCost, toAssignments, type Dag } from '../../agent/router/dag';
import { ProfileScheduler, profileApplies } from '../../agent/router/dag/profile-scheduler';
import { scheduleWithin } from '../../agent/router/dag/exact';
import { budgetClock, threadCpuMs } from '../../agent/router/dag/clock';
import { packedGraph, stgGraph } from '../../bench/schedule/generate';
import { seededRandom } from '../../agent/router/random';
import { scheduleProblems, type GraphJson } from './validate';

function* permutations(n: number): Generator<number[]> {
  // Heap's algorithm.
  const a = Array.from({ length: n }, (_, i) => i);
  const c = Array<number>(n).fill(0);
  yield a.slice();
  for (let i = 0; i < n; ) {
    if (c[i]! < i) {
      const j = i % 2 ? c[i]! : 0;
      [a[j], a[i]] = [a[i]!, a[j]!];
      yield a.slice();
      c[i]!++;
      i = 0;
    } else c[i++] = 0;
  }
}

function optimum(dag: Dag): number {
  const { tail } = headsAndTails(dag, minCost(dag));
  for (let T = 1; ; T++) if (scheduleWithin(dag, T, tail)) return T;
}

test('every schedule it builds is valid, whatever the priority order', () => {
  const random = seededRandom(7);
  for (let seed = 1; seed <= 12; seed++) {
    const graph = (seed % 2 ? stgGraph({ n: 60, workers: 2 + (seed % 4) * 3, seed }) : packedGraph({ n: 60, workers: 2 + (seed % 4) * 3, seed })) as GraphJson;
    const dag = compileDag(graph);
    assert.ok(profileApplies(dag));
    const scheduler = new ProfileScheduler(dag);
    const out = emptySchedule(dag.n);
    for (let k = 0; k < 20; k++) {
      const priority = Float64Array.from({ length: dag.n }, () => random());
      const s = scheduler.run(priority, out);
      assert.deepEqual(scheduleProblems(graph, { makespan: s.makespan, assignments: toAssignments(dag, s) }), [], `seed ${seed}, order ${k}`);
    }
  }
});

test('some priority order reaches the optimum (brute force over all orders of tiny graphs)', () => {
  for (let seed = 1; seed <= 30; seed++) {
    const random = seededRandom(seed);
    const n = 5 + (seed % 3);
    const workers = 2 + (seed % 2);
    const times = Array.from({ length: n }, () => 1 + Math.floor(random() * 4));
    const graph: GraphJson = {
      fleets: [{ id: 'P', workers }],
      tasks: times.map((c, i) => ({ id: `T${i}`, cost: c })),
      edges: Array.from({ length: n }, (_, j) => Array.from({ length: j }, (_, i) => i).filter(() => random() < 0.3).map((i) => ({ from: `T${i}`, to: `T${j}`, cost: 0 }))).flat(),
    };
    const dag = compileDag(graph);
    const scheduler = new ProfileScheduler(dag);
    const out = emptySchedule(n);
    let shortest = Infinity;
    for (const order of permutations(n)) {
      const priority = new Float64Array(n);
      order.forEach((t, i) => (priority[t] = n - i));
      shortest = Math.min(shortest, scheduler.run(priority, out).makespan);
    }
    assert.equal(shortest, optimum(dag), `seed ${seed}`);
  }
});

test('it does not apply to fractional times, per-fleet times or transfer costs', () => {
  assert.equal(profileApplies(compileDag({ fleets: [{ id: 'P', workers: 2 }], tasks: [{ id: 'a', cost: 1.5 }] })), false);
  assert.equal(profileApplies(compileDag({ fleets: [{ id: 'A' }, { id: 'B' }], tasks: [{ id: 'a', cost: { A: 1, B: 2 } }] })), false);
  assert.equal(profileApplies(compileDag({ fleets: [{ id: 'P', workers: 2 }], tasks: [{ id: 'a', cost: 1 }, { id: 'b', cost: 1 }], edges: [{ from: 'a', to: 'b', cost: 2 }] })), false);
});

test('best finds the known optimum of packed graphs HEFT misses, validly and reproducibly for a seed', () => {
  // Graphs built with no idle time (optimum = work / workers); HEFT ends a unit or two above.
  for (const seed of [1, 2, 3, 5]) {
    const graph = packedGraph({ n: 30, workers: [4, 8, 16][seed % 3]!, seed });
    const dag = compileDag(graph);
    assert.ok(heft(dag).makespan > graph.optimum, `seed ${seed}: HEFT already optimal`);
    // A fixed number of steps instead of a time budget; the exact search off, so the local search does it.
    const options = { budgetMs: Infinity, maxIterations: 300, exact: false, seed: 1 };
    const r = best(dag, options);
    assert.equal(r.schedule.makespan, graph.optimum, `seed ${seed}`);
    assert.ok(r.provenOptimal);
    assert.deepEqual(scheduleProblems(graph as GraphJson, { makespan: r.schedule.makespan, assignments: toAssignments(dag, r.schedule) }), []);
    const again = best(dag, options);
    assert.deepEqual(toAssignments(dag, again.schedule), toAssignments(dag, r.schedule));
  }
});

test('the budget clock counts this thread’s CPU time, not time spent waiting', async () => {
  const cpu0 = threadCpuMs();
  assert.notEqual(cpu0, null, 'Linux reports a thread’s CPU time in /proc/thread-self/schedstat');
  const clock = budgetClock(1000);
  // Spin until this thread has run 20 ms (however long that takes on a busy machine).
  while (threadCpuMs()! - cpu0! < 20);
  const afterWork = clock();
  assert.ok(afterWork >= 15, `20 ms of CPU counted ${afterWork} ms`);
  await new Promise((resolve) => setTimeout(resolve, 300));
  // 300 ms asleep: the clock moves only by what the thread did meanwhile (wall time / 1000 at least).
  const asleep = clock() - afterWork;
  assert.ok(asleep >= 0.3 && asleep < 150, `sleeping counted ${asleep} ms`);
});
