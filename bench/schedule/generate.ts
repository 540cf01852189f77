// Random task graphs for the scheduler benchmark and tests, seeded so every run sees the same graphs.
// - stgGraph: in the style of Kasahara's Standard Task Graph set (identical workers, no transfer costs,
//   integer times 1..10, "sameprob" / "layrprob" structures).
// - packedGraph: a graph built around a schedule that keeps every worker busy from 0 to L, so its optimal
//   makespan is known to be L (= total work / workers), in the spirit of Kwok & Ahmad's graphs with
//   pre-determined optimal schedules.
// - heterogeneousGraph: HEFT-paper style (per-fleet times with heterogeneity beta, transfer costs by CCR).
import type { DagInput } from '../../agent/router/dag/graph';
import { seededRandom } from '../../agent/router/random';


const int = (random: () => number, lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));

function homogeneousFleets(workers: number) {
  return [{ id: 'P', workers }];
}

export function stgGraph(opts: { n: number; workers: number; seed: number; structure?: 'sameprob' | 'layrprob'; avgDegree?: number }): DagInput {
  const random = seededRandom(opts.seed);
  const { n } = opts;
  const structure = opts.structure ?? (opts.seed % 2 ? 'sameprob' : 'layrprob');
  const avgDegree = opts.avgDegree ?? 1 + random() * 3;
  const edges: { from: string; to: string; cost: number }[] = [];
  const id = (i: number) => `T${i}`;
  if (structure === 'sameprob') {
    // Each ordered pair i < j linked with the same probability, tuned to the wanted mean in-degree.
    const p = Math.min(1, (2 * avgDegree) / Math.max(1, n - 1));
    for (let j = 1; j < n; j++) for (let i = 0; i < j; i++) if (random() < p) edges.push({ from: id(i), to: id(j), cost: 0 });
  } else {
    // Layers; each task links to tasks of earlier layers with a probability.
    const layers = Math.max(2, Math.round(Math.sqrt(n) * (0.6 + random())));
    const layerOf = Array.from({ length: n }, (_, i) => Math.min(layers - 1, Math.floor((i * layers) / n)));
    const p = Math.min(1, avgDegree / Math.max(1, n / layers));
    for (let j = 0; j < n; j++) for (let i = 0; i < j; i++) if (layerOf[i]! < layerOf[j]! && layerOf[j]! - layerOf[i]! <= 2 && random() < p) edges.push({ from: id(i), to: id(j), cost: 0 });
  }
  const tasks = Array.from({ length: n }, (_, i) => ({ id: id(i), cost: int(random, 1, 10) }));
  return { name: `stg-${structure}-n${n}-m${opts.workers}-s${opts.seed}`, fleets: homogeneousFleets(opts.workers), tasks, edges };
}

/**
 * Every worker busy from 0 to L with tasks of 1..10 time units; edges only go from a task to one starting
 * at or after its finish, so the packed schedule is valid and optimal (L = total work / workers).
 */
export function packedGraph(opts: { n: number; workers: number; seed: number; density?: number }): DagInput & { optimum: number } {
  const random = seededRandom(opts.seed);
  const { n, workers: m } = opts;
  const durations = Array.from({ length: n }, () => int(random, 1, 10));
  // Deal tasks to workers so their loads are equal: fill each worker up to L, splitting nothing:
  // choose L, then cut each worker's timeline into pieces of 1..10.
  const total = durations.reduce((a, b) => a + b, 0);
  const L = Math.max(10, Math.round(total / m));
  const start: number[] = [];
  const dur: number[] = [];
  const worker: number[] = [];
  for (let w = 0; w < m; w++) {
    let t = 0;
    while (t < L) {
      const d = Math.min(L - t, int(random, 1, 10));
      start.push(t);
      dur.push(d);
      worker.push(w);
      t += d;
    }
  }
  // Shuffle task numbering so index order gives nothing away.
  const count = start.length;
  const perm = Array.from({ length: count }, (_, i) => i);
  for (let i = count - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [perm[i], perm[j]] = [perm[j]!, perm[i]!];
  }
  const density = opts.density ?? 2;
  const edges: { from: string; to: string; cost: number }[] = [];
  const byFinish = perm.slice().sort((a, b) => start[a]! + dur[a]! - (start[b]! + dur[b]!));
  for (const v of perm) {
    // Links from tasks finishing at or before v starts, preferring those finishing right then (tight).
    const eligible = byFinish.filter((u) => start[u]! + dur[u]! <= start[v]!);
    if (!eligible.length) continue;
    const k = Math.min(eligible.length, int(random, 0, 2 * density));
    for (let i = 0; i < k; i++) {
      const tight = random() < 0.6;
      const pickFrom = tight ? eligible.slice(-Math.max(1, Math.ceil(eligible.length / 6))) : eligible;
      const u = pickFrom[Math.floor(random() * pickFrom.length)]!;
      edges.push({ from: `T${perm.indexOf(u)}`, to: `T${perm.indexOf(v)}`, cost: 0 });
    }
  }
  const tasks = Array.from({ length: count }, (_, i) => ({ id: `T${i}`, cost: dur[perm[i]!]! }));
  const unique = new Map(edges.map((e) => [`${e.from}>${e.to}`, e]));
  return { name: `packed-n${count}-m${m}-s${opts.seed}`, fleets: homogeneousFleets(m), tasks, edges: [...unique.values()], optimum: L };
}

/** Heterogeneous fleets (HEFT-paper style): beta = heterogeneity of times, ccr = transfer / compute. */
export function heterogeneousGraph(opts: { n: number; fleets: number; workersPerFleet?: number; seed: number; beta?: number; ccr?: number }): DagInput {
  const base = stgGraph({ n: opts.n, workers: 1, seed: opts.seed });
  const random = seededRandom(opts.seed * 7919 + 13);
  const beta = opts.beta ?? 1;
  const ccr = opts.ccr ?? 0.5;
  const fleets = Array.from({ length: opts.fleets }, (_, f) => ({ id: `F${f}`, workers: opts.workersPerFleet ?? 1 + (f % 3) }));
  const tasks = base.tasks.map((t) => {
    const w = t.cost as number;
    const cost: Record<string, number> = {};
    for (const f of fleets) cost[f.id] = Math.max(1, Math.round(w * (1 - beta / 2 + random() * beta)));
    return { id: t.id, cost };
  });
  const meanWork = base.tasks.reduce((a, t) => a + (t.cost as number), 0) / Math.max(1, base.tasks.length);
  const edges = (base.edges ?? []).map((e) => ({ ...e, cost: Math.round(2 * ccr * meanWork * random()) }));
  return { name: `het-n${opts.n}-f${opts.fleets}-s${opts.seed}`, fleets, tasks, edges };
}
