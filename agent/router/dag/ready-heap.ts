// The ready tasks of a list scheduler: a binary max-heap of task indices on their priority (ties: lower
// index first, so a schedule is reproducible). Allocated once per graph and reset per pass, because `best`
// decodes hundreds of priority lists.
export class ReadyHeap {
  private readonly heap: Int32Array;
  private count = 0;
  private priority: Float64Array = new Float64Array(0);

  constructor(tasks: number) {
    this.heap = new Int32Array(tasks);
  }

  /** Empties the heap for a pass that orders tasks by `priority` (higher first). */
  reset(priority: Float64Array): void {
    this.priority = priority;
    this.count = 0;
  }

  get size(): number {
    return this.count;
  }

  push(t: number): void {
    const h = this.heap;
    let i = this.count++;
    h[i] = t;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(h[i]!, h[parent]!)) break;
      const tmp = h[i]!;
      h[i] = h[parent]!;
      h[parent] = tmp;
      i = parent;
    }
  }

  /** The ready task with the highest priority; only when `size > 0`. */
  pop(): number {
    const h = this.heap;
    const top = h[0]!;
    const size = --this.count;
    if (size > 0) {
      h[0] = h[size]!;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < size && this.before(h[l]!, h[m]!)) m = l;
        if (r < size && this.before(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        const tmp = h[i]!;
        h[i] = h[m]!;
        h[m] = tmp;
        i = m;
      }
    }
    return top;
  }

  private before(a: number, b: number): boolean {
    const pa = this.priority[a]!;
    const pb = this.priority[b]!;
    return pa > pb || (pa === pb && a < b);
  }
}
