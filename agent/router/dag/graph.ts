// Task graphs for the DAG schedulers: the JSON input format (validated with zod), and the compiled form
// the schedulers work on (dense indices, typed arrays, precomputed adjacency) so their hot loops do not
// allocate or look anything up by name.
import { z } from 'zod';

export const DagFleetInput = z.object({
  id: z.string().min(1),
  /** Identical workers in the fleet. */
  workers: z.number().int().min(1).default(1),
});

export const DagTaskInput = z.object({
  id: z.string().min(1),
  /** Execution time: one number for every fleet, or one per fleet (a fleet missing from the map cannot run it). */
  cost: z.union([z.number(), z.record(z.string(), z.number())]),
});

export const DagEdgeInput = z.object({
  from: z.string().min(1),
  to: z.string().min(1),
  /** Transfer time when the two tasks run on different workers; 0 on the same worker. */
  cost: z.number().default(0),
});

export const DagInput = z.object({
  name: z.string().optional(),
  fleets: z.array(DagFleetInput).min(1),
  tasks: z.array(DagTaskInput),
  edges: z.array(DagEdgeInput).default([]),
});
export type DagInput = z.input<typeof DagInput>;

/** A graph that cannot be scheduled; `problems` name each task, edge or fleet at fault. */
export class DagInputError extends Error {
  override name = 'DagInputError';
  constructor(readonly problems: string[]) {
    super(problems.join('; '));
  }
}

/**
 * The compiled graph. Tasks, fleets and workers are dense indices. Workers are numbered fleet after fleet:
 * fleet f owns workers `fleetFirstWorker[f] .. fleetFirstWorker[f + 1] - 1`.
 */
export interface Dag {
  readonly name?: string;
  readonly n: number;
  readonly taskIds: readonly string[];
  readonly fleetIds: readonly string[];
  readonly fleetCount: number;
  readonly workerCount: number;
  readonly fleetFirstWorker: Int32Array;
  readonly workerFleet: Int32Array;
  /** `cost[t * fleetCount + f]`; Infinity where fleet f cannot run task t. */
  readonly cost: Float64Array;
  readonly succStart: Int32Array;
  readonly succ: Int32Array;
  readonly succCost: Float64Array;
  readonly predStart: Int32Array;
  readonly pred: Int32Array;
  readonly predCost: Float64Array;
  /** A topological order of the tasks. */
  readonly topo: Int32Array;
}

/** Parses and validates a task graph (already JSON-parsed); throws DagInputError naming every problem. */
export function compileDag(input: unknown): Dag {
  const parsed = DagInput.safeParse(input);
  if (!parsed.success) {
    throw new DagInputError(
      parsed.error.issues.map((issue) => `${describePath(input, issue.path)}: ${issue.message}`),
    );
  }
  const g = parsed.data;
  const problems: string[] = [];

  const fleetIndex = new Map<string, number>();
  g.fleets.forEach((f, i) => {
    if (fleetIndex.has(f.id)) problems.push(`fleet "${f.id}" is listed twice`);
    else fleetIndex.set(f.id, i);
  });
  const taskIndex = new Map<string, number>();
  g.tasks.forEach((t, i) => {
    if (taskIndex.has(t.id)) problems.push(`task "${t.id}" is listed twice`);
    else taskIndex.set(t.id, i);
  });

  const n = g.tasks.length;
  const F = g.fleets.length;
  const cost = new Float64Array(n * F).fill(Infinity);
  g.tasks.forEach((t, i) => {
    if (typeof t.cost === 'number') {
      if (!(t.cost >= 0) || !Number.isFinite(t.cost)) problems.push(`task "${t.id}": cost must be a finite number >= 0, got ${t.cost}`);
      else cost.fill(t.cost, i * F, i * F + F);
      return;
    }
    let runnable = false;
    for (const [fleet, c] of Object.entries(t.cost)) {
      const f = fleetIndex.get(fleet);
      if (f === undefined) problems.push(`task "${t.id}": cost names unknown fleet "${fleet}"`);
      else if (!(c >= 0) || !Number.isFinite(c)) problems.push(`task "${t.id}": cost on fleet "${fleet}" must be a finite number >= 0, got ${c}`);
      else {
        cost[i * F + f] = c;
        runnable = true;
      }
    }
    if (!runnable && Object.keys(t.cost).length === 0) problems.push(`task "${t.id}": no fleet can run it (empty cost map)`);
    else if (!runnable) problems.push(`task "${t.id}": no fleet can run it`);
  });

  const from = new Int32Array(g.edges.length);
  const to = new Int32Array(g.edges.length);
  const ecost = new Float64Array(g.edges.length);
  g.edges.forEach((e, i) => {
    const a = taskIndex.get(e.from);
    const b = taskIndex.get(e.to);
    if (a === undefined) problems.push(`edge ${i} ("${e.from}" -> "${e.to}"): unknown task "${e.from}"`);
    if (b === undefined) problems.push(`edge ${i} ("${e.from}" -> "${e.to}"): unknown task "${e.to}"`);
    if (!(e.cost >= 0) || !Number.isFinite(e.cost)) problems.push(`edge "${e.from}" -> "${e.to}": cost must be a finite number >= 0, got ${e.cost}`);
    from[i] = a ?? 0;
    to[i] = b ?? 0;
    ecost[i] = e.cost;
  });
  if (problems.length) throw new DagInputError(problems);

  const adjacency = buildAdjacency(n, from, to, ecost);
  const topo = topologicalOrder(n, adjacency.succStart, adjacency.succ, adjacency.predStart);
  if (topo.length < n) {
    const cycle = findCycle(n, adjacency.succStart, adjacency.succ);
    throw new DagInputError([`the graph has a cycle: ${cycle.map((t) => `"${g.tasks[t]!.id}"`).join(' -> ')}`]);
  }

  const fleetFirstWorker = new Int32Array(F + 1);
  for (let f = 0; f < F; f++) fleetFirstWorker[f + 1] = fleetFirstWorker[f]! + g.fleets[f]!.workers;
  const workerCount = fleetFirstWorker[F]!;
  const workerFleet = new Int32Array(workerCount);
  for (let f = 0; f < F; f++) workerFleet.fill(f, fleetFirstWorker[f]!, fleetFirstWorker[f + 1]!);

  return {
    name: g.name,
    n,
    taskIds: g.tasks.map((t) => t.id),
    fleetIds: g.fleets.map((f) => f.id),
    fleetCount: F,
    workerCount,
    fleetFirstWorker,
    workerFleet,
    cost,
    ...adjacency,
    topo,
  };
}

/** The reversed graph (every edge turned round): schedules of it, mirrored in time, are schedules of `dag`. */
export function reverseDag(dag: Dag): Dag {
  const topo = new Int32Array(dag.n);
  for (let i = 0; i < dag.n; i++) topo[i] = dag.topo[dag.n - 1 - i]!;
  return {
    ...dag,
    succStart: dag.predStart,
    succ: dag.pred,
    succCost: dag.predCost,
    predStart: dag.succStart,
    pred: dag.succ,
    predCost: dag.succCost,
    topo,
  };
}

function buildAdjacency(n: number, from: Int32Array, to: Int32Array, cost: Float64Array) {
  const E = from.length;
  const succStart = new Int32Array(n + 1);
  const predStart = new Int32Array(n + 1);
  for (let e = 0; e < E; e++) {
    succStart[from[e]! + 1]!++;
    predStart[to[e]! + 1]!++;
  }
  for (let i = 0; i < n; i++) {
    succStart[i + 1]! += succStart[i]!;
    predStart[i + 1]! += predStart[i]!;
  }
  const succ = new Int32Array(E);
  const succCost = new Float64Array(E);
  const pred = new Int32Array(E);
  const predCost = new Float64Array(E);
  const sFill = succStart.slice(0, n);
  const pFill = predStart.slice(0, n);
  for (let e = 0; e < E; e++) {
    const s = sFill[from[e]!]!++;
    succ[s] = to[e]!;
    succCost[s] = cost[e]!;
    const p = pFill[to[e]!]!++;
    pred[p] = from[e]!;
    predCost[p] = cost[e]!;
  }
  return { succStart, succ, succCost, predStart, pred, predCost };
}

function topologicalOrder(n: number, succStart: Int32Array, succ: Int32Array, predStart: Int32Array): Int32Array {
  const indegree = new Int32Array(n);
  for (let i = 0; i < n; i++) indegree[i] = predStart[i + 1]! - predStart[i]!;
  const order = new Int32Array(n);
  let head = 0;
  let tail = 0;
  for (let i = 0; i < n; i++) if (indegree[i] === 0) order[tail++] = i;
  while (head < tail) {
    const t = order[head++]!;
    for (let k = succStart[t]!; k < succStart[t + 1]!; k++) {
      const s = succ[k]!;
      if (--indegree[s] === 0) order[tail++] = s;
    }
  }
  return order.subarray(0, tail);
}

/** One cycle, as the list of tasks on it (first task repeated at the end). Assumes one exists. */
function findCycle(n: number, succStart: Int32Array, succ: Int32Array): number[] {
  const state = new Uint8Array(n); // 0 new, 1 on stack, 2 done
  const parent = new Int32Array(n).fill(-1);
  for (let root = 0; root < n; root++) {
    if (state[root] !== 0) continue;
    // Iterative DFS: stack of (task, next edge index).
    const stack: [number, number][] = [[root, succStart[root]!]];
    state[root] = 1;
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      const [t, k] = top;
      if (k === succStart[t + 1]!) {
        state[t] = 2;
        stack.pop();
        continue;
      }
      top[1] = k + 1;
      const s = succ[k]!;
      if (state[s] === 1) {
        // Walk back from t to s along the DFS tree, then close the loop with the edge t -> s.
        const back: number[] = [];
        for (let x = t; x !== s; x = parent[x]!) back.push(x);
        return [s, ...back.reverse(), s];
      }
      if (state[s] === 0) {
        state[s] = 1;
        parent[s] = t;
        stack.push([s, succStart[s]!]);
      }
    }
  }
  return [];
}

function describePath(input: unknown, path: readonly PropertyKey[]): string {
  if (path.length === 0) return 'graph';
  let here: unknown = input;
  const parts: string[] = [];
  for (const key of path) {
    const next = here !== null && typeof here === 'object' ? (here as Record<PropertyKey, unknown>)[key] : undefined;
    if (typeof key === 'number' && next !== null && typeof next === 'object' && typeof (next as { id?: unknown }).id === 'string') {
      parts.push(`[${key}] ("${(next as { id: string }).id}")`);
    } else parts.push(typeof key === 'number' ? `[${key}]` : `.${String(key)}`);
    here = next;
  }
  return parts.join('').replace(/^\./, '');
}
