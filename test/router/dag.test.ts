import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DagInputError, best, compileDag, heft, lowerBounds, peft, scheduleGraph, toAssignments, type Algorithm } from '../../agent/router/dag';
import { heterogeneousGraph, packedGraph, stgGraph } from '../../bench/schedule/generate';
import { seededRandom } from '../../agent/router/random';
import { scheduleProblems, type GraphJson } from './validate';

const fixtures = path.join(__dirname, '../fixtures/router');
const load = (name: string): GraphJson & { expected?: Record<string, number> } => JSON.parse(readFileSync(path.join(fixtures, name), 'utf8'));
/** Reproducible `best`: a fixed number of search steps instead of a wall-clock budget. */
const fixed = { budgetMs: Infinity, maxIterations: 60 };

function checked(graph: GraphJson, algorithm: Algorithm) {
  const result = scheduleGraph(graph, algorithm, fixed);
  assert.deepEqual(scheduleProblems(graph, result), [], `${algorithm} produced an invalid schedule`);
  return result;
}

test('HEFT reproduces the published makespan (80) on the HEFT paper graph', () => {
  const graph = load('heft-paper-graph.json');
  assert.equal(checked(graph, 'heft').makespan, graph.expected!.heft);
  assert.equal(graph.expected!.heft, 80);
});

test('PEFT reproduces the published makespan (122) on the PEFT paper graph', () => {
  const graph = load('peft-paper-graph.json');
  assert.equal(checked(graph, 'peft').makespan, graph.expected!.peft);
  assert.equal(graph.expected!.peft, 122);
});

test('HEFT places the paper graph task by task as the paper shows', () => {
  // Topcuoglu et al., Fig. 4(a): n1 on P3 [0, 9], n10 on P2 finishing at 80.
  const result = checked(load('heft-paper-graph.json'), 'heft');
  const byTask = new Map(result.assignments.map((a) => [a.task, a]));
  assert.deepEqual(byTask.get('T0'), { task: 'T0', fleet: 'P2', worker: 0, start: 0, finish: 9 });
  assert.deepEqual(byTask.get('T9'), { task: 'T9', fleet: 'P1', worker: 0, start: 73, finish: 80 });
});

test('the default scheduler is valid and never worse than HEFT or PEFT on both paper graphs', () => {
  for (const name of ['heft-paper-graph.json', 'peft-paper-graph.json']) {
    const graph = load(name);
    const b = checked(graph, 'best').makespan;
    assert.ok(b <= checked(graph, 'heft').makespan && b <= checked(graph, 'peft').makespan, `${name}: best ${b}`);
  }
});

test('fleets with several workers, tasks only some fleets can run, zero-time tasks and defaults', () => {
  const graph = load('mixed-fleets.json');
  for (const algorithm of ['heft', 'peft', 'best'] as const) {
    const result = checked(graph, algorithm);
    assert.equal(result.assignments.find((a) => a.task === 'embed')!.fleet, 'gpu');
    assert.notEqual(result.assignments.find((a) => a.task === 'join')!.fleet, 'gpu');
  }
});

test('an empty graph has makespan 0', () => {
  assert.deepEqual(scheduleGraph({ fleets: [{ id: 'P' }], tasks: [] }, 'best'), { makespan: 0, assignments: [] });
});

function refusal(input: unknown): string {
  try {
    compileDag(input);
  } catch (error) {
    assert.ok(error instanceof DagInputError);
    return error.message;
  }
  assert.fail('the graph was accepted');
}

test('refuses a cycle and names the tasks on it', () => {
  assert.match(refusal(load('cycle.json')), /cycle: "(parse" -> "index" -> "parse|index" -> "parse" -> "index)"/);
  assert.match(refusal({ fleets: [{ id: 'P' }], tasks: [{ id: 'a', cost: 1 }], edges: [{ from: 'a', to: 'a' }] }), /cycle: "a" -> "a"/);
});

test('refuses an edge to an unknown task, naming it', () => {
  assert.match(refusal(load('unknown-task.json')), /unknown task "render"/);
});

test('refuses a task no fleet can run, naming the task and the unknown fleet', () => {
  const message = refusal(load('unrunnable.json'));
  assert.match(message, /task "train": cost names unknown fleet "gpu"/);
  assert.match(message, /task "train": no fleet can run it/);
  assert.doesNotMatch(message, /"load"/);
});

test('refuses negative costs on tasks and edges, naming each', () => {
  const message = refusal(load('negative.json'));
  assert.match(message, /task "load": cost on fleet "cpu" must be a finite number >= 0, got -2/);
  assert.match(message, /edge "load" -> "hash": cost must be a finite number >= 0, got -1/);
});

test('refuses a wrong shape with the path of the field and the task it belongs to', () => {
  assert.match(refusal({ fleets: [{ id: 'P', workers: 0 }], tasks: [] }), /fleets\[0\] \("P"\)\.workers/);
  assert.match(refusal({ fleets: [{ id: 'P' }], tasks: [{ id: 'x', cost: 'fast' }] }), /tasks\[0\] \("x"\)\.cost/);
  assert.match(refusal({ fleets: [{ id: 'P' }, { id: 'P' }], tasks: [{ id: 'x', cost: 1 }, { id: 'x', cost: 1 }] }), /fleet "P" is listed twice.*task "x" is listed twice/);
});

test('every algorithm gives valid schedules on random homogeneous and heterogeneous graphs', () => {
  const graphs: GraphJson[] = [];
  for (let seed = 1; seed <= 4; seed++) {
    graphs.push(stgGraph({ n: 40, workers: 2 + seed * 3, seed }) as GraphJson);
    graphs.push(heterogeneousGraph({ n: 60, fleets: 2 + seed, seed, ccr: seed / 2 }) as GraphJson);
  }
  for (const graph of graphs) for (const algorithm of ['heft', 'peft', 'best'] as const) checked(graph, algorithm);
});

test('valid schedules with zero-time tasks, free transfers, fractional times and fleets that cannot run some tasks', () => {
  for (let seed = 1; seed <= 60; seed++) {
    const random = seededRandom(seed);
    const graph = (seed % 2 ? stgGraph({ n: 10 + (seed % 40), workers: 1 + (seed % 5), seed }) : heterogeneousGraph({ n: 10 + (seed % 40), fleets: 1 + (seed % 4), seed, ccr: random() * 3 })) as GraphJson;
    for (const t of graph.tasks) {
      if (typeof t.cost === 'number') t.cost = random() < 0.2 ? 0 : random() < 0.2 ? t.cost + 0.37 : t.cost;
      else {
        for (const k of Object.keys(t.cost)) if (random() < 0.15) t.cost[k] = 0;
        const keys = Object.keys(t.cost);
        if (keys.length > 1 && random() < 0.3) delete t.cost[keys[0]!];
      }
    }
    for (const e of graph.edges ?? []) if (random() < 0.3) e.cost = 0;
    for (const algorithm of ['heft', 'peft', 'best'] as const) {
      const result = scheduleGraph(graph, algorithm, { budgetMs: Infinity, maxIterations: 5, seed });
      assert.deepEqual(scheduleProblems(graph, result), [], `${algorithm}, seed ${seed}`);
    }
  }
});

test('lower bounds never exceed a known optimum, and "proven optimal" means the bound is met', () => {
  for (let seed = 1; seed <= 12; seed++) {
    const graph = packedGraph({ n: 50, workers: [2, 4, 8, 16][seed % 4]!, seed });
    const dag = compileDag(graph);
    const bounds = lowerBounds(dag, { upper: heft(dag).makespan });
    assert.ok(bounds.best <= graph.optimum, `${graph.name}: bound ${bounds.best} above optimum ${graph.optimum}`);
    const r = best(dag, fixed);
    assert.ok(r.schedule.makespan >= graph.optimum);
    if (r.provenOptimal) assert.equal(r.schedule.makespan, graph.optimum);
  }
});

test('the default scheduler beats HEFT on graphs with a known optimum (reproducible step count)', () => {
  let heftOptimal = 0;
  let bestOptimal = 0;
  let heftTotal = 0;
  let bestTotal = 0;
  const cases = 16;
  for (let seed = 1; seed <= cases; seed++) {
    const graph = packedGraph({ n: 50, workers: [4, 8, 16, 8][seed % 4]!, seed: 100 + seed });
    const dag = compileDag(graph);
    const h = heft(dag);
    const r = best(dag, fixed);
    assert.deepEqual(scheduleProblems(graph as GraphJson, { makespan: r.schedule.makespan, assignments: toAssignments(dag, r.schedule) }), []);
    assert.ok(r.schedule.makespan <= h.makespan);
    heftOptimal += Number(h.makespan === graph.optimum);
    bestOptimal += Number(r.schedule.makespan === graph.optimum);
    heftTotal += h.makespan / graph.optimum;
    bestTotal += r.schedule.makespan / graph.optimum;
  }
  assert.ok(bestOptimal >= 0.9 * cases, `best optimal on ${bestOptimal}/${cases} (HEFT ${heftOptimal})`);
  assert.ok(bestOptimal > heftOptimal && bestTotal < heftTotal);
});

test('PEFT and HEFT differ from best only by search, not by validity, on a 1,000-task graph', () => {
  const graph = stgGraph({ n: 1000, workers: 16, seed: 7 }) as GraphJson;
  const dag = compileDag(graph);
  for (const s of [heft(dag), peft(dag), best(dag, { budgetMs: Infinity, maxIterations: 3 }).schedule]) {
    assert.deepEqual(scheduleProblems(graph, { makespan: s.makespan, assignments: toAssignments(dag, s) }), []);
  }
});
