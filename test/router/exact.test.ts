// The exact search for identical workers against an independent brute force on tiny graphs: at every
// integer instant, try every subset of ready tasks on the free workers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { best, compileDag, headsAndTails, minCost, toAssignments } from '../../agent/router/dag';
import { ExactSearch, isIdenticalWithoutTransfers, scheduleWithin } from '../../agent/router/dag/exact';
import { packedGraph, stgGraph } from '../../bench/schedule/generate';
import { seededRandom } from '../../agent/router/random';
import { scheduleProblems, type GraphJson } from './validate';

function bruteForceOptimum(times: number[], preds: number[][], workers: number): number {
  const n = times.length;
  let bestMakespan = times.reduce((a, b) => a + b, 0);
  const finish = Array<number>(n).fill(-1);
  const visit = (t: number, running: number[], done: number): void => {
    if (t >= bestMakespan) return;
    if (done === n) {
      bestMakespan = Math.min(bestMakespan, Math.max(0, ...finish));
      return;
    }
    const busy = running.filter((f) => f > t);
    const ready = finish.map((f, x) => x).filter((x) => finish[x] === -1 && preds[x]!.every((y) => finish[y]! !== -1 && finish[y]! <= t));
    const freeWorkers = workers - busy.length;
    // Every subset of the ready tasks that fits on the free workers (including none).
    for (let mask = 0; mask < 1 << ready.length; mask++) {
      const chosen = ready.filter((_, i) => mask & (1 << i));
      if (chosen.length > freeWorkers) continue;
      for (const x of chosen) finish[x] = t + times[x]!;
      visit(t + 1, [...busy, ...chosen.map((x) => finish[x]!)], done + chosen.length);
      for (const x of chosen) finish[x] = -1;
    }
  };
  visit(0, [], 0);
  return bestMakespan;
}

test('the exact search agrees with brute force: finds a schedule at the optimum, proves none below it', () => {
  for (let seed = 1; seed <= 40; seed++) {
    const random = seededRandom(seed);
    const n = 4 + (seed % 4);
    const workers = 2 + (seed % 2);
    const times = Array.from({ length: n }, () => 1 + Math.floor(random() * 3));
    const preds = Array.from({ length: n }, (_, j) => Array.from({ length: j }, (_, i) => i).filter(() => random() < 0.3));
    const graph: GraphJson = {
      fleets: [{ id: 'P', workers }],
      tasks: times.map((c, i) => ({ id: `T${i}`, cost: c })),
      edges: preds.flatMap((ps, j) => ps.map((i) => ({ from: `T${i}`, to: `T${j}`, cost: 0 }))),
    };
    const optimum = bruteForceOptimum(times, preds, workers);
    const dag = compileDag(graph);
    assert.ok(isIdenticalWithoutTransfers(dag));
    const { tail } = headsAndTails(dag, minCost(dag));
    const at = scheduleWithin(dag, optimum, tail);
    assert.ok(at, `seed ${seed}: no schedule found at the optimum ${optimum}`);
    assert.equal(at.makespan, optimum);
    assert.deepEqual(scheduleProblems(graph, { makespan: at.makespan, assignments: toAssignments(dag, at) }), []);
    assert.equal(scheduleWithin(dag, optimum - 1, tail), null, `seed ${seed}: a schedule below the optimum ${optimum}`);
    assert.equal(best(dag, { budgetMs: Infinity, maxIterations: 50 }).schedule.makespan, optimum, `seed ${seed}: best misses the optimum`);
  }
});

test('it applies only to identical workers without transfer costs', () => {
  assert.equal(isIdenticalWithoutTransfers(compileDag({ fleets: [{ id: 'A' }, { id: 'B' }], tasks: [{ id: 'x', cost: { A: 1, B: 2 } }] })), false);
  assert.equal(isIdenticalWithoutTransfers(compileDag({ fleets: [{ id: 'A', workers: 2 }], tasks: [{ id: 'x', cost: 1 }, { id: 'y', cost: 1 }], edges: [{ from: 'x', to: 'y', cost: 1 }] })), false);
  assert.equal(isIdenticalWithoutTransfers(compileDag(stgGraph({ n: 20, workers: 3, seed: 1 }))), true);
});

test('on a graph whose optimum is known by construction, the exact search finds a valid optimal schedule', () => {
  const graph = packedGraph({ n: 50, workers: 8, seed: 50804 });
  const dag = compileDag(graph);
  const { tail } = headsAndTails(dag, minCost(dag));
  const s = scheduleWithin(dag, graph.optimum, tail, { nodeLimit: 1_000_000 });
  assert.ok(s);
  assert.deepEqual(scheduleProblems(graph as GraphJson, { makespan: s.makespan, assignments: toAssignments(dag, s) }), []);
  assert.equal(s.makespan, graph.optimum);
});

test('one search reused across candidate orders and targets gives the answers a fresh search gives', () => {
  // Failed states are remembered between calls at the same target; that must never turn a feasible target
  // infeasible, whatever order the next call tries candidates in.
  for (let seed = 1; seed <= 30; seed++) {
    const random = seededRandom(1000 + seed);
    const graph = stgGraph({ n: 12, workers: 2 + (seed % 3), seed: 500 + seed });
    const dag = compileDag(graph);
    const { tail } = headsAndTails(dag, minCost(dag));
    const search = new ExactSearch(dag, tail);
    let optimum = 0;
    for (let T = 1; optimum === 0; T++) if (scheduleWithin(dag, T, tail)) optimum = T;
    for (const T of [optimum - 1, optimum, optimum - 1, optimum + 1, optimum]) {
      for (let k = 0; k < 3; k++) {
        const order = Float64Array.from({ length: dag.n }, () => random());
        // Small, growing node limits (as best's restarts): calls give up part-way, and later ones resume
        // from what earlier ones proved.
        let r: ReturnType<ExactSearch['within']>;
        let limit = 20;
        do r = search.within(T, { nodeLimit: (limit *= 2) }, order);
        while (r === undefined);
        assert.equal(r === null, T < optimum, `seed ${seed}, T ${T}, order ${k}`);
        if (r) assert.deepEqual(scheduleProblems(graph as GraphJson, { makespan: r.makespan, assignments: toAssignments(dag, r) }), []);
      }
    }
  }
});
