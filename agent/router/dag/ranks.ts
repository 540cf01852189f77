// Task priorities of the published list schedulers: HEFT's upward rank and downward rank (Topcuoglu et al.
// 2002) and PEFT's optimistic cost table (Arabnejad & Barbosa 2014). Edge costs are used as the average
// communication cost, as both papers do with their sample graphs.
import type { Dag } from './graph';

/** Rounds away float noise so ranks that are equal on paper compare equal (ties then go by task index). */
function tidy(x: number): number {
  return Math.round(x * 1e9) / 1e9;
}

/** Mean execution time of each task over the workers that can run it (each worker counts once). */
export function meanCost(dag: Dag): Float64Array {
  const { n, fleetCount: F, fleetFirstWorker, cost } = dag;
  const out = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    let sum = 0;
    let workers = 0;
    for (let f = 0; f < F; f++) {
      const c = cost[t * F + f]!;
      if (c === Infinity) continue;
      const k = fleetFirstWorker[f + 1]! - fleetFirstWorker[f]!;
      sum += c * k;
      workers += k;
    }
    out[t] = sum / workers;
  }
  return out;
}

/** Fastest execution time of each task on any fleet that can run it. */
export function minCost(dag: Dag): Float64Array {
  const { n, fleetCount: F, cost } = dag;
  const out = new Float64Array(n).fill(Infinity);
  for (let t = 0; t < n; t++) for (let f = 0; f < F; f++) out[t] = Math.min(out[t]!, cost[t * F + f]!);
  return out;
}

/** rank_u(t) = w(t) + max over successors s of (c(t,s) + rank_u(s)). */
export function upwardRank(dag: Dag, weight: Float64Array = meanCost(dag), commScale = 1): Float64Array {
  const { n, topo, succStart, succ, succCost } = dag;
  const rank = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    const t = topo[i]!;
    let tail = 0;
    for (let k = succStart[t]!; k < succStart[t + 1]!; k++) {
      const v = commScale * succCost[k]! + rank[succ[k]!]!;
      if (v > tail) tail = v;
    }
    rank[t] = tidy(weight[t]! + tail);
  }
  return rank;
}

/** rank_d(t) = max over predecessors p of (rank_d(p) + w(p) + c(p,t)). */
export function downwardRank(dag: Dag, weight: Float64Array = meanCost(dag), commScale = 1): Float64Array {
  const { n, topo, predStart, pred, predCost } = dag;
  const rank = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t = topo[i]!;
    let head = 0;
    for (let k = predStart[t]!; k < predStart[t + 1]!; k++) {
      const p = pred[k]!;
      const v = rank[p]! + weight[p]! + commScale * predCost[k]!;
      if (v > head) head = v;
    }
    rank[t] = tidy(head);
  }
  return rank;
}

/**
 * PEFT's optimistic cost table, per fleet (identical workers of a fleet share a row):
 * OCT(t, p) = max over successors s of min over workers q of (OCT(s, q) + w(s, q) + (q = p ? 0 : c(t, s))).
 * Another worker of the same fleet counts as a different processor (the transfer applies).
 * Returned as `oct[t * fleetCount + f]`, plus rank_oct(t), the mean of OCT over the workers that can run t.
 */
export function optimisticCostTable(dag: Dag): { oct: Float64Array; rank: Float64Array } {
  const { n, fleetCount: F, fleetFirstWorker, cost, topo, succStart, succ, succCost } = dag;
  const oct = new Float64Array(n * F);
  const rank = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    const t = topo[i]!;
    for (let f = 0; f < F; f++) {
      let worst = 0;
      for (let k = succStart[t]!; k < succStart[t + 1]!; k++) {
        const s = succ[k]!;
        const c = succCost[k]!;
        let best = Infinity;
        for (let g = 0; g < F; g++) {
          const w = cost[s * F + g]!;
          if (w === Infinity) continue;
          const here = oct[s * F + g]! + w;
          if (g === f) {
            if (here < best) best = here;
            if (fleetFirstWorker[g + 1]! - fleetFirstWorker[g]! > 1 && here + c < best) best = here + c;
          } else if (here + c < best) best = here + c;
        }
        if (best > worst) worst = best;
      }
      oct[t * F + f] = tidy(worst);
    }
    let sum = 0;
    let workers = 0;
    for (let f = 0; f < F; f++) {
      if (cost[t * F + f] === Infinity) continue;
      const k = fleetFirstWorker[f + 1]! - fleetFirstWorker[f]!;
      sum += oct[t * F + f]! * k;
      workers += k;
    }
    rank[t] = tidy(sum / workers);
  }
  return { oct, rank };
}
