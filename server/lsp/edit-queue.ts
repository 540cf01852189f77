// Debounces re-analysis per document while the user types, and lets a request that needs the current
// text (lenses, hovers, hints) apply the pending edit at once instead of waiting out the delay. An
// update reads the document's text when it runs, so edits that arrive while one is in flight collapse
// into the next update: stale versions are never analysed.
export class EditQueue {
  private timers = new Map<string, NodeJS.Timeout>();
  private running = new Map<string, Promise<void>>();

  constructor(
    private readonly delayMs: number,
    private readonly apply: (uri: string) => Promise<void>,
  ) {}

  schedule(uri: string): void {
    clearTimeout(this.timers.get(uri));
    this.timers.set(
      uri,
      setTimeout(() => void this.flush(uri), this.delayMs),
    );
  }

  /** Applies the pending edit of `uri` now; resolves when the analysis has caught up with it. */
  flush(uri: string): Promise<void> {
    const timer = this.timers.get(uri);
    if (timer === undefined) return this.running.get(uri) ?? Promise.resolve();
    clearTimeout(timer);
    this.timers.delete(uri);
    return this.enqueue(uri, () => this.apply(uri));
  }

  /** Runs `task` after the document's earlier updates; later requests for it wait for this one too. */
  enqueue(uri: string, task: () => Promise<void>): Promise<void> {
    const previous = this.running.get(uri) ?? Promise.resolve();
    const run = previous.then(task);
    this.running.set(uri, run);
    void run.finally(() => {
      if (this.running.get(uri) === run) this.running.delete(uri);
    });
    return run;
  }

  async flushAll(): Promise<void> {
    await Promise.all([...new Set([...this.timers.keys(), ...this.running.keys()])].map((uri) => this.flush(uri)));
  }

  forget(uri: string): void {
    clearTimeout(this.timers.get(uri));
    this.timers.delete(uri);
  }

  dispose(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }
}
