// One fleet: a queue of invocations and a set of workers run by its policy. It starts minWorkers, adds a
// worker (up to maxWorkers) as soon as the queue's expected wait passes scaleUpQueueWaitMs, or when the
// oldest queued invocation has actually waited that long, removes workers idle for idleMs (down to
// minWorkers), and replaces dead workers. An invocation whose worker dies comes back as `lost` (never
// half-reported); retrying is the orchestrator's call.
// Expected waits come from the placement's expected execution times (`FleetTask.expectedMs`, from the
// learned models): the fleet keeps the expected remaining work of what it runs and queues, and replays
// it over its invocation slots to tell when a queued (or a new) invocation would start.
import type { FleetStatus } from '../protocol';
import type { FleetConfig } from './config';
import { startWorker, type WorkerHandle } from './worker-handle';
import type { DoneMessage, FromWorker } from './worker/messages';

export interface FleetTask {
  id: string;
  codelet: string;
  bundle: string;
  exportPath: string[];
  /** Each argument serialised (serialise.ts); a consumer's argument is often a producer's result bytes as they came. */
  args: Uint8Array[];
  /** The placement's expected execution time here (ms), when it has one: drives expected waits and scaling. */
  expectedMs?: number;
}

interface Timing {
  worker: string;
  enqueued: number;
  dispatched: number;
}
export type FleetOutcome =
  | ({ kind: 'done'; message: DoneMessage } & Timing)
  | ({ kind: 'lost'; reason: string } & Timing)
  | ({ kind: 'cancelled' } & Partial<Timing> & { enqueued: number });

const now = (): number => performance.timeOrigin + performance.now();

interface Slot {
  handle: WorkerHandle;
  ready: boolean;
  running: Set<string>;
  idleSince: number;
}

interface Pending {
  task: FleetTask;
  enqueued: number;
  resolve: (outcome: FleetOutcome) => void;
  worker?: Slot;
  dispatched?: number;
  /** Sent ahead to a busy worker (held there until a slot frees): its queue wait ends when it starts. */
  ahead?: boolean;
}

/**
 * Below this mean run time a thread fleet sends one invocation ahead to a busy worker: waking a worker
 * and hearing back costs tens of µs each way, as much as such an invocation itself, so the next one
 * should already be there when a slot frees. Longer invocations are not sent ahead: another worker
 * may free sooner.
 */
const SEND_AHEAD_BELOW_MS = 1;

/** Queues up to this long are replayed task by task in forecasts; deeper ones are spread evenly. */
const FORECAST_EXACT_UP_TO = 64;

/** A task's expected execution time, when the placement gave a usable one. */
function expectedOf(task: FleetTask): number | undefined {
  const e = task.expectedMs;
  return e !== undefined && Number.isFinite(e) && e >= 0 ? e : undefined;
}

/** What the fleet expects of its queue now (ms from now unless said otherwise). */
export interface QueueForecast {
  /** When a new invocation submitted now would start, with the workers there are. */
  startMs: number;
  /** The longest total wait (already waited + still to wait) a queued invocation is expected to have. */
  longestWaitMs: number;
  /** Expected execution time still to do: the rest of the running invocations plus the queued ones. */
  workMs: number;
}

export class Fleet {
  private readonly workers = new Map<string, Slot>();
  private readonly queue: Pending[] = [];
  private readonly inflight = new Map<string, Pending>();
  private starting = 0;
  private closed = false;
  private scaleTimer: NodeJS.Timeout | undefined;
  private readonly idleTimer: NodeJS.Timeout;
  private completed = 0;
  private failed = 0;
  private replaced = 0;
  private recentWaits: number[] = [];
  /** Sum and count of the queued tasks' expected times (those that have one), kept as the queue changes. */
  private queuedKnownMs = 0;
  private queuedKnown = 0;
  /** End times of recent completions, for throughput. */
  private recentEnds: number[] = [];
  /** Mean run time of recent invocations, for the expected-start estimate of placement. */
  private meanRunMs = 1;

  constructor(
    readonly config: FleetConfig,
    private readonly cwd: string,
    private readonly onChange: () => void = () => {},
    /** `sendAhead: false` turns off sending short invocations ahead to busy workers (to measure what it buys). */
    private readonly options: { sendAhead?: boolean } = {},
  ) {
    for (let i = 0; i < config.scaling.minWorkers; i++) this.addWorker();
    this.idleTimer = setInterval(() => this.scaleDown(), Math.max(50, Math.min(1000, config.scaling.idleMs / 2))).unref();
  }

  get id(): string {
    return this.config.id;
  }

  get specialisation(): FleetConfig['specialisation'] {
    return this.config.specialisation;
  }

  /** Resolves when the workers started so far are ready. */
  async ready(): Promise<void> {
    await Promise.all([...this.workers.values()].map((w) => w.handle.ready));
  }

  submit(task: FleetTask): Promise<FleetOutcome> {
    if (this.closed) return Promise.resolve({ kind: 'lost', reason: `fleet ${this.id} is shut down`, worker: '', enqueued: now(), dispatched: now() });
    return new Promise((resolve) => {
      this.queue.push({ task, enqueued: now(), resolve });
      this.account(task, 1);
      this.pump();
    });
  }

  /** Drops a queued invocation, or abandons a running one (stopping its worker if it runs nothing else). */
  cancel(id: string): void {
    const q = this.queue.findIndex((p) => p.task.id === id);
    if (q >= 0) {
      const [p] = this.queue.splice(q, 1);
      this.account(p!.task, -1);
      p!.resolve({ kind: 'cancelled', enqueued: p!.enqueued });
      return;
    }
    const p = this.inflight.get(id);
    if (!p?.worker) return;
    this.inflight.delete(id);
    p.worker.running.delete(id);
    p.resolve({ kind: 'cancelled', enqueued: p.enqueued, dispatched: p.dispatched, worker: p.worker.handle.id });
    if (p.worker.running.size === 0) this.retire(p.worker, true);
    else p.worker.handle.send({ t: 'cancel', id });
  }

  /**
   * When a new invocation could start here: now if a slot is free, else when the work ahead of it (the
   * placement's expected times; the fleet's recent mean run time for tasks without one) has drained from
   * the slots, or after a new worker's start-up if the fleet can still grow and that is sooner.
   */
  expectedStartMs(): number {
    if (this.freeSlots() > this.queue.length) return 0;
    const { startMs } = this.forecast(this.meanRunMs);
    // A new worker can be started: roughly its start-up time (a thread or process boot).
    if (this.workers.size + this.starting < this.config.scaling.maxWorkers) return Math.min(startMs, this.bootMs());
    return startMs;
  }

  /**
   * Replays the fleet's work over its invocation slots (workers ready × concurrency per worker): each
   * running invocation holds a slot for the rest of its expected time, each queued one takes the slot that
   * frees first. `unknownMs` stands for a task without an expected time (0 gives a lower bound: waits that
   * are certain from what the placement said).
   */
  forecast(unknownMs: number): QueueForecast {
    const t = now();
    const perWorker = this.config.capacity.concurrencyPerWorker;
    // Slot i is free `lanes[i]` ms from now. Invocations sent ahead to a busy worker queue behind its slots.
    const lanes: number[] = [];
    let workMs = 0;
    for (const w of this.workers.values()) {
      if (!w.ready) continue;
      const mine: number[] = new Array<number>(perWorker).fill(0);
      for (const id of w.running) {
        const p = this.inflight.get(id);
        if (!p) continue;
        const e = expectedOf(p.task) ?? unknownMs;
        const i = argmin(mine);
        // Held ones (sent ahead) start when a slot frees; the others started at dispatch.
        const rest = p.ahead && mine[i]! > 0 ? e : Math.max(0, e - (t - (p.dispatched ?? t)));
        mine[i] = mine[i]! + rest;
        workMs += rest;
      }
      lanes.push(...mine);
    }
    const q = this.queue;
    const queuedMs = this.queuedKnownMs + (q.length - this.queuedKnown) * unknownMs;
    workMs += queuedMs;
    if (q.length > FORECAST_EXACT_UP_TO && lanes.length) {
      // A deep queue: its work spread evenly over the slots (placement asks this per invocation; replaying
      // every queued task each time would cost O(queue)).
      const total = lanes.reduce((a, b) => a + b, 0);
      const last = q[q.length - 1]!;
      const lastStart = (total + queuedMs - (expectedOf(last.task) ?? unknownMs)) / lanes.length;
      return { startMs: (total + queuedMs) / lanes.length, longestWaitMs: Math.max(t - q[0]!.enqueued + lanes[argmin(lanes)]!, t - last.enqueued + lastStart), workMs };
    }
    // No worker ready yet: nothing can be said beyond what the oldest has waited.
    if (!lanes.length) return { startMs: this.bootMs() + workMs, longestWaitMs: q.length ? t - q[0]!.enqueued : 0, workMs };
    let longestWaitMs = 0;
    for (const p of q) {
      const e = expectedOf(p.task) ?? unknownMs;
      const i = argmin(lanes);
      longestWaitMs = Math.max(longestWaitMs, t - p.enqueued + lanes[i]!);
      lanes[i] = lanes[i]! + e;
    }
    return { startMs: lanes[argmin(lanes)]!, longestWaitMs, workMs };
  }

  /** Invocations finished per second over the last 10 s. */
  throughput(): number {
    const since = now() - 10_000;
    let n = 0;
    for (let i = this.recentEnds.length - 1; i >= 0 && this.recentEnds[i]! >= since; i--) n++;
    return n / 10;
  }

  /** Status without latency figures (those come from the monitor's histograms). */
  status(latency: FleetStatus['latency'] = { count: 0, p50Ms: 0, p95Ms: 0, p99Ms: 0 }): FleetStatus {
    const c = this.config;
    const capacity = this.workers.size * c.capacity.concurrencyPerWorker;
    const running = this.inflight.size;
    const t = now();
    return {
      id: c.id,
      specialisation: c.specialisation,
      runtime: c.runtime,
      workers: this.workers.size,
      minWorkers: c.scaling.minWorkers,
      maxWorkers: c.scaling.maxWorkers,
      concurrencyPerWorker: c.capacity.concurrencyPerWorker,
      memoryLimitMb: c.capacity.memoryLimitMb ?? null,
      costPerSecond: c.costPerSecond,
      capacity,
      maxCapacity: c.scaling.maxWorkers * c.capacity.concurrencyPerWorker,
      running,
      utilisation: capacity ? Math.min(1, running / capacity) : 0,
      queueDepth: this.queue.length,
      queueWaitMs: this.queue.length ? t - this.queue[0]!.enqueued : 0,
      ...this.expectedFigures(),
      meanQueueWaitMs: this.recentWaits.length ? this.recentWaits.reduce((a, b) => a + b, 0) / this.recentWaits.length : 0,
      completed: this.completed,
      failed: this.failed,
      throughput: this.throughput(),
      latency,
      replacedWorkers: this.replaced,
    };
  }

  /** Stops taking work; queued invocations come back lost, workers are killed. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.idleTimer);
    if (this.scaleTimer) clearTimeout(this.scaleTimer);
    this.queuedKnownMs = 0;
    this.queuedKnown = 0;
    for (const p of this.queue.splice(0)) p.resolve({ kind: 'lost', reason: `fleet ${this.id} shut down`, worker: '', enqueued: p.enqueued, dispatched: now() });
    const exits = [...this.workers.values()].map((w) => new Promise<void>((r) => w.handle.onExit(() => r())));
    for (const w of this.workers.values()) w.handle.kill();
    await Promise.race([Promise.all(exits), new Promise((r) => setTimeout(r, 2000))]);
  }

  // ------------------------------------------------------------------------------------------------

  private account(task: FleetTask, sign: 1 | -1): void {
    const e = expectedOf(task);
    if (e === undefined) return;
    this.queuedKnownMs = Math.max(0, this.queuedKnownMs + sign * e);
    this.queuedKnown += sign;
    if (this.queuedKnown === 0) this.queuedKnownMs = 0;
  }

  /** Whether any queued or running task came with an expected time. */
  private knowsWork(): boolean {
    if (this.queuedKnown > 0) return true;
    for (const p of this.inflight.values()) if (expectedOf(p.task) !== undefined) return true;
    return false;
  }

  /** Roughly how long a new worker takes to start (a thread or a process boot). */
  private bootMs(): number {
    return this.config.runtime === 'threads' ? 30 : 80;
  }

  /** Status figures from the placement's expected times (tasks without one count the recent mean run time). */
  private expectedFigures(): Pick<FleetStatus, 'expectedWaitMs' | 'expectedWorkMs'> {
    const f = this.forecast(this.meanRunMs);
    return { expectedWaitMs: this.freeSlots() > this.queue.length ? 0 : f.startMs, expectedWorkMs: f.workMs };
  }

  private freeSlots(): number {
    let free = 0;
    for (const w of this.workers.values()) if (w.ready) free += Math.max(0, this.config.capacity.concurrencyPerWorker - w.running.size);
    return free;
  }

  private addWorker(): void {
    const { runtime, capacity } = this.config;
    const handle = startWorker({ runtime, memoryLimitMb: capacity.memoryLimitMb, cwd: this.cwd, concurrency: capacity.concurrencyPerWorker }, this.id);
    const slot: Slot = { handle, ready: false, running: new Set(), idleSince: now() };
    this.workers.set(handle.id, slot);
    this.starting++;
    handle.onMessage((m) => this.onWorkerMessage(slot, m));
    handle.onExit((reason) => this.onWorkerExit(slot, reason));
    void handle.ready.then(() => {
      this.starting--;
      if (!this.workers.has(handle.id)) return;
      slot.ready = true;
      slot.idleSince = now();
      this.pump();
      this.onChange();
    });
  }

  private onWorkerMessage(slot: Slot, m: FromWorker): void {
    if (m.t !== 'done') return;
    const p = this.inflight.get(m.id);
    // A result for an invocation that was cancelled or already settled: dropped, never reported twice.
    if (!p || p.worker !== slot) return;
    this.inflight.delete(m.id);
    slot.running.delete(m.id);
    if (slot.running.size === 0) slot.idleSince = now();
    if (m.ok) this.completed++;
    else this.failed++;
    this.recentEnds.push(now());
    if (this.recentEnds.length > 10_000) this.recentEnds.splice(0, 5_000);
    this.meanRunMs = this.meanRunMs * 0.8 + Math.max(0.01, m.m.end - m.m.start) * 0.2;
    p.resolve({ kind: 'done', message: m, worker: slot.handle.id, enqueued: p.enqueued, dispatched: p.ahead ? Math.max(p.dispatched!, m.m.start) : p.dispatched! });
    this.pump();
    this.onChange();
  }

  private onWorkerExit(slot: Slot, reason: string): void {
    if (!this.workers.delete(slot.handle.id)) return;
    if (!slot.ready) this.starting--;
    for (const id of slot.running) {
      const p = this.inflight.get(id);
      if (!p) continue;
      this.inflight.delete(id);
      this.failed++;
      p.resolve({ kind: 'lost', reason, worker: slot.handle.id, enqueued: p.enqueued, dispatched: p.dispatched! });
    }
    slot.running.clear();
    if (this.closed) return;
    if (reason !== 'worker stopped by the agent') this.replaced++;
    // Replace to the minimum, or more if work is waiting.
    if (this.workers.size < this.config.scaling.minWorkers || (this.queue.length > 0 && this.workers.size + this.starting < this.config.scaling.maxWorkers)) this.addWorker();
    this.pump();
    this.onChange();
  }

  private retire(slot: Slot, replace: boolean): void {
    this.workers.delete(slot.handle.id);
    if (!slot.ready) this.starting--;
    slot.handle.kill();
    if (replace && !this.closed && this.workers.size < this.config.scaling.minWorkers) this.addWorker();
  }

  private pump(): void {
    while (this.queue.length) {
      const head = this.queue[0]!;
      const slot = this.pickWorker();
      if (!slot) break;
      this.queue.shift();
      this.account(head.task, -1);
      this.dispatch(head, slot);
    }
    if (this.queue.length) this.considerScaleUp();
  }

  private pickWorker(): Slot | undefined {
    const { runtime, capacity } = this.config;
    const limit = capacity.concurrencyPerWorker + (runtime === 'threads' && this.options.sendAhead !== false && this.meanRunMs < SEND_AHEAD_BELOW_MS ? 1 : 0);
    let best: Slot | undefined;
    for (const w of this.workers.values()) {
      if (!w.ready || w.running.size >= limit) continue;
      if (!best || w.running.size < best.running.size) best = w;
    }
    return best;
  }

  private dispatch(p: Pending, slot: Slot): void {
    p.worker = slot;
    p.dispatched = now();
    p.ahead = slot.running.size >= this.config.capacity.concurrencyPerWorker;
    this.recentWaits.push(p.dispatched - p.enqueued);
    if (this.recentWaits.length > 50) this.recentWaits.shift();
    slot.running.add(p.task.id);
    this.inflight.set(p.task.id, p);
    const { id, codelet, bundle, exportPath, args } = p.task;
    slot.handle.send({ t: 'run', id, codelet, bundle, exportPath, args });
  }

  private considerScaleUp(): void {
    // A worker on its way will pump the queue when it is ready.
    if (this.closed || this.starting > 0) return;
    const max = this.config.scaling.maxWorkers;
    if (this.workers.size >= max) return;
    const threshold = this.config.scaling.scaleUpQueueWaitMs;
    // The wait the placement's expected times make certain (tasks without one count nothing): past the
    // threshold, a worker starts now rather than after someone has waited that long. Without any expected
    // times, only the wait so far counts (the timer below), as before.
    if (this.knowsWork() && this.forecast(0).longestWaitMs > threshold) {
      if (this.scaleTimer) clearTimeout(this.scaleTimer);
      this.scaleTimer = undefined;
      this.addWorker();
      this.onChange();
      return;
    }
    if (this.scaleTimer) return;
    const waited = now() - this.queue[0]!.enqueued;
    const delay = Math.max(0, threshold - waited);
    this.scaleTimer = setTimeout(() => {
      this.scaleTimer = undefined;
      if (!this.queue.length || this.closed) return;
      if (this.workers.size < max && this.starting === 0) {
        this.addWorker();
        this.onChange();
      }
      this.pump();
    }, delay);
    this.scaleTimer.unref();
  }

  private scaleDown(): void {
    const t = now();
    for (const w of [...this.workers.values()]) {
      if (this.workers.size <= this.config.scaling.minWorkers) return;
      if (w.ready && w.running.size === 0 && t - w.idleSince >= this.config.scaling.idleMs) {
        this.retire(w, false);
        this.onChange();
      }
    }
  }
}

function argmin(xs: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < xs.length; i++) if (xs[i]! < xs[best]!) best = i;
  return best;
}
