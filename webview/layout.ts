// Layered (Sugiyama-style) layout: sources on the left, sinks on the right, optional horizontal lanes
// (one per file or fleet). Longest-path layering, a few barycenter sweeps to cut crossings, then
// y positions pulled towards neighbours without breaking the order. Pure and DOM-free so it can be
// unit-tested and benchmarked in Node.
//
// Stability: given the previous layout's `memory`, nodes that survive an edit keep their relative order
// in their layer; only new (or re-layered) nodes are slotted in by barycenter. A small edit therefore
// moves a few nodes, it does not reshuffle the picture.

export interface LayoutInput {
  /** Unique, stable node keys. */
  keys: string[];
  /** Lane of each node ('' everywhere = one lane). */
  lanes: string[];
  /** Directed edges as [from, to] node indexes; duplicates and self-loops are fine. */
  edges: ReadonlyArray<readonly [number, number]>;
}

export interface LayoutMemory {
  /** Keys in reading order (layer by layer, top to bottom) of the previous layout. */
  order: string[];
  /** Each key's y, relative to the top of its lane, in the previous layout. */
  y?: number[];
  /** The lanes and row gap it had: positions only carry over while these are the same. */
  lanes?: string[];
  rowGap?: number;
}

export interface Lane {
  name: string;
  top: number;
  bottom: number;
}

export interface Layout {
  layer: Int32Array;
  x: Float64Array;
  y: Float64Array;
  lanes: Lane[];
  layers: number;
  /** World distance between layers, and between neighbours in a layer (labels must fit). */
  layerGap: number;
  rowGap: number;
  /** Layers run top to bottom (x and y swapped; lane top/bottom are then x ranges). */
  vertical: boolean;
  width: number;
  height: number;
  memory: LayoutMemory;
}

export interface LayoutOptions {
  layerGap?: number;
  rowGap?: number;
  laneGap?: number;
  sweeps?: number;
  /** Above this share of new nodes the previous order is only a seed and sweeps run again. */
  reshuffleShare?: number;
  vertical?: boolean;
}

const DEFAULTS = { layerGap: 230, rowGap: 54, laneGap: 80, sweeps: 4, reshuffleShare: 0.3, vertical: false };

/** Spacing for top-to-bottom layouts: labels sit beside nodes, so neighbours need more room. */
export const VERTICAL_GAPS = { layerGap: 86, rowGap: 150, laneGap: 40 };

export function layeredLayout(input: LayoutInput, memory?: LayoutMemory, options: LayoutOptions = {}): Layout {
  const opt = { ...DEFAULTS, ...options };
  const n = input.keys.length;
  const { succ, pred } = adjacency(n, input.edges, input.keys);
  const layer = longestPathLayers(n, succ, pred, input.keys);
  const layers = n === 0 ? 0 : Math.max(...layer) + 1;

  const laneNames = [...new Set(input.lanes)].sort();
  const laneOf = Int32Array.from(input.lanes, (l) => laneNames.indexOf(l));

  // Neighbours in both directions, for barycenters (long edges count too: there are no dummy nodes).
  const nbrs: number[][] = Array.from({ length: n }, (_, i) => [...succ[i], ...pred[i]]);

  const previous = new Map<string, number>();
  memory?.order.forEach((k, i) => previous.set(k, i));
  const rows = initialOrder(n, layers, layer, laneOf, input.keys, previous);

  const pos = new Float64Array(n);
  const refreshPos = (r: number[]) => r.forEach((v, i) => (pos[v] = i));
  rows.forEach(refreshPos);

  const survivors = input.keys.filter((k) => previous.has(k)).length;
  const stable = previous.size > 0 && survivors > 0 && (n - survivors) / n <= opt.reshuffleShare;
  const isNew = (v: number) => !previous.has(input.keys[v]);

  if (stable) {
    // Keep survivors' order; slot each new node where its neighbours are.
    for (let pass = 0; pass < 2; pass++)
      for (const r of rows) {
        const fresh = r.filter(isNew);
        if (fresh.length === 0) continue;
        const kept = r.filter((v) => !isNew(v));
        for (const v of fresh) {
          const b = barycenter(v, nbrs[v], pos);
          let at = kept.findIndex((u) => laneOf[u] > laneOf[v] || (laneOf[u] === laneOf[v] && pos[u] > b));
          if (at < 0) at = kept.length;
          kept.splice(at, 0, v);
        }
        r.splice(0, r.length, ...kept);
        refreshPos(r);
      }
  } else {
    for (let s = 0; s < opt.sweeps; s++) {
      const down = s % 2 === 0;
      for (let li = 0; li < layers; li++) {
        const r = rows[down ? li : layers - 1 - li];
        const side = down ? pred : succ;
        const bc = new Map<number, number>();
        for (const v of r) bc.set(v, barycenter(v, side[v].length ? side[v] : nbrs[v], pos));
        r.sort((a, b) => laneOf[a] - laneOf[b] || bc.get(a)! - bc.get(b)! || pos[a] - pos[b]);
        refreshPos(r);
      }
    }
  }

  // Lanes: tall enough for their fullest layer.
  const laneRows = laneNames.map(() => 1);
  for (const r of rows) {
    const count = new Map<number, number>();
    for (const v of r) count.set(laneOf[v], (count.get(laneOf[v]) ?? 0) + 1);
    for (const [l, c] of count) laneRows[l] = Math.max(laneRows[l], c);
  }
  const lanes: Lane[] = [];
  let top = 0;
  laneNames.forEach((name, l) => {
    const bottom = top + (laneRows[l] - 1) * opt.rowGap;
    lanes.push({ name, top, bottom });
    top = bottom + opt.rowGap + (laneNames.length > 1 ? opt.laneGap : 0);
  });

  const x = new Float64Array(n);
  const y = new Float64Array(n);
  for (let v = 0; v < n; v++) x[v] = layer[v] * opt.layerGap;
  const laneTop = (v: number) => lanes[laneOf[v]].top;
  const previousY = new Map<string, number>();
  const sameLanes = (memory?.lanes ?? ['']).join('\n') === laneNames.join('\n') && (memory?.rowGap ?? opt.rowGap) === opt.rowGap;
  const oldY = memory?.y;
  if (stable && sameLanes && memory && oldY?.length === memory.order.length) memory.order.forEach((k, i) => previousY.set(k, oldY[i]));
  if (previousY.size) {
    // Survivors ask for their old place; new nodes for the middle of their neighbours; then gaps and
    // order are restored with as little movement as possible.
    const wish = new Float64Array(n);
    const known = new Uint8Array(n);
    for (let v = 0; v < n; v++) {
      const old = previousY.get(input.keys[v]);
      if (old !== undefined) {
        wish[v] = laneTop(v) + old;
        known[v] = 1;
      }
    }
    for (let v = 0; v < n; v++) {
      if (known[v]) continue;
      const placed = nbrs[v].filter((w) => known[w]);
      wish[v] = placed.length ? mean(placed, wish) : laneTop(v);
    }
    for (const r of rows) placeRuns(r, laneOf, lanes, opt.rowGap, y, (v) => wish[v]);
  } else {
    // Start centred in the lane, then pull towards neighbours (down, up, down) keeping order and gaps.
    for (const r of rows) placeRuns(r, laneOf, lanes, opt.rowGap, y, (v, i, count) => lanes[laneOf[v]].top + (i + (laneRows[laneOf[v]] - count) / 2) * opt.rowGap);
    for (let it = 0; it < 3; it++) {
      const down = it % 2 === 0;
      for (let li = 0; li < layers; li++) {
        const r = rows[down ? li : layers - 1 - li];
        placeRuns(r, laneOf, lanes, opt.rowGap, y, (v) => (nbrs[v].length ? mean(nbrs[v], y) : y[v]));
      }
    }
  }

  const order: string[] = [];
  const relY: number[] = [];
  for (const r of rows)
    for (const v of r) {
      order.push(input.keys[v]);
      relY.push(y[v] - laneTop(v));
    }
  const height = lanes.length ? lanes[lanes.length - 1].bottom : 0;
  const width = Math.max(0, layers - 1) * opt.layerGap;
  const memoryOut = { order, y: relY, lanes: laneNames, rowGap: opt.rowGap };
  // Top to bottom (for tall, narrow views): the same layout with the axes swapped; lanes become columns.
  if (opt.vertical) return { layer, x: y, y: x, lanes, layers, layerGap: opt.layerGap, rowGap: opt.rowGap, vertical: true, width: height, height: width, memory: memoryOut };
  return { layer, x, y, lanes, layers, layerGap: opt.layerGap, rowGap: opt.rowGap, vertical: false, width, height, memory: memoryOut };
}

function adjacency(n: number, edges: LayoutInput['edges'], keys: string[]) {
  const succSet: Set<number>[] = Array.from({ length: n }, () => new Set());
  for (const [a, b] of edges) if (a !== b && a < n && b < n) succSet[a].add(b);
  const rank = feedbackOrder(n, succSet, keys);
  // Edges against the order close cycles: they are drawn, but do not take part in layering.
  const succ = succSet.map((s, a) => [...s].filter((b) => rank[a] < rank[b]));
  const pred: number[][] = Array.from({ length: n }, () => []);
  succ.forEach((s, a) => s.forEach((b) => pred[b].push(a)));
  return { succ, pred };
}

/**
 * A node order with few edges pointing backwards (Eades, Lin & Smyth's greedy heuristic): peel sinks to
 * the end and sources to the front; when only cycles remain, move the node with most out- minus
 * in-edges to the front. Ties go by key, so the result is deterministic.
 */
function feedbackOrder(n: number, succSet: Set<number>[], keys: string[]): Int32Array {
  const predList: number[][] = Array.from({ length: n }, () => []);
  succSet.forEach((s, a) => s.forEach((b) => predList[b].push(a)));
  const out = Int32Array.from(succSet, (s) => s.size);
  const inn = Int32Array.from(predList, (p) => p.length);
  const gone = new Uint8Array(n);
  const front: number[] = [];
  const back: number[] = [];
  const byKey = [...Array(n).keys()].sort((a, b) => (keys[a] < keys[b] ? -1 : keys[a] > keys[b] ? 1 : 0));
  const sinks: number[] = [];
  const sources: number[] = [];
  for (const v of byKey) {
    if (out[v] === 0) sinks.push(v);
    else if (inn[v] === 0) sources.push(v);
  }
  let left = n;
  let scan = 0;
  let sourceHead = 0;
  const remove = (v: number) => {
    gone[v] = 1;
    left--;
    for (const w of succSet[v]) if (!gone[w] && --inn[w] === 0) sources.push(w);
    for (const u of predList[v]) if (!gone[u] && --out[u] === 0) sinks.push(u);
  };
  while (left > 0) {
    let moved = true;
    while (moved) {
      moved = false;
      while (sinks.length) {
        const v = sinks.pop()!;
        if (gone[v]) continue;
        back.push(v);
        remove(v);
        moved = true;
      }
      while (sourceHead < sources.length) {
        const v = sources[sourceHead++];
        if (gone[v]) continue;
        front.push(v);
        remove(v);
        moved = true;
      }
    }
    if (left === 0) break;
    let best = -1;
    while (gone[byKey[scan]]) scan++;
    for (let i = scan; i < n; i++) {
      const v = byKey[i];
      if (!gone[v] && (best < 0 || out[v] - inn[v] > out[best] - inn[best])) best = v;
    }
    front.push(best);
    remove(best);
  }
  const rank = new Int32Array(n);
  front.forEach((v, i) => (rank[v] = i));
  back.reverse().forEach((v, i) => (rank[v] = front.length + i));
  return rank;
}

/** Sources in layer 0; every node one layer right of its furthest predecessor. */
function longestPathLayers(n: number, succ: number[][], pred: number[][], _keys: string[]): Int32Array {
  const layer = new Int32Array(n);
  const indeg = Int32Array.from(pred, (p) => p.length);
  const queue: number[] = [];
  for (let v = 0; v < n; v++) if (indeg[v] === 0) queue.push(v);
  for (let qi = 0; qi < queue.length; qi++) {
    const v = queue[qi];
    for (const w of succ[v]) {
      if (layer[v] + 1 > layer[w]) layer[w] = layer[v] + 1;
      if (--indeg[w] === 0) queue.push(w);
    }
  }
  return layer;
}

/** Rows per layer, seeded by the previous reading order, then lane, then key. */
function initialOrder(n: number, layers: number, layer: Int32Array, laneOf: Int32Array, keys: string[], previous: Map<string, number>) {
  const rows: number[][] = Array.from({ length: layers }, () => []);
  for (let v = 0; v < n; v++) rows[layer[v]].push(v);
  const rank = (v: number) => previous.get(keys[v]) ?? Number.POSITIVE_INFINITY;
  for (const r of rows)
    r.sort((a, b) => laneOf[a] - laneOf[b] || rank(a) - rank(b) || (keys[a] < keys[b] ? -1 : keys[a] > keys[b] ? 1 : 0));
  return rows;
}

function barycenter(v: number, nb: number[], pos: Float64Array): number {
  return nb.length ? mean(nb, pos) : pos[v];
}

function mean(idx: number[], values: Float64Array): number {
  let s = 0;
  for (const i of idx) s += values[i];
  return s / idx.length;
}

/**
 * Places one layer's nodes lane by lane: as close to `want` as possible (least squares), in the given
 * order, at least `gap` apart, inside the lane. Pool-adjacent-violators on y - i*gap.
 */
function placeRuns(
  row: number[],
  laneOf: Int32Array,
  lanes: Lane[],
  gap: number,
  y: Float64Array,
  want: (v: number, i: number, count: number, lane: Lane) => number,
) {
  let start = 0;
  while (start < row.length) {
    let end = start;
    while (end < row.length && laneOf[row[end]] === laneOf[row[start]]) end++;
    const run = row.slice(start, end);
    const lane = lanes[laneOf[run[0]]];
    const z = run.map((v, i) => want(v, i, run.length, lane) - i * gap);
    const fit = isotonic(z);
    const hi = lane.bottom - (run.length - 1) * gap;
    run.forEach((v, i) => (y[v] = Math.min(hi, Math.max(lane.top, fit[i])) + i * gap));
    start = end;
  }
}

/** Least-squares non-decreasing fit. */
function isotonic(z: number[]): number[] {
  const sums: number[] = [];
  const counts: number[] = [];
  for (const value of z) {
    sums.push(value);
    counts.push(1);
    while (sums.length > 1 && sums[sums.length - 2] / counts[counts.length - 2] > sums[sums.length - 1] / counts[counts.length - 1]) {
      sums[sums.length - 2] += sums.pop()!;
      counts[counts.length - 2] += counts.pop()!;
    }
  }
  const out: number[] = [];
  sums.forEach((s, b) => {
    for (let i = 0; i < counts[b]; i++) out.push(s / counts[b]);
  });
  return out;
}
