// One fleet: a queue of invocations and a set of workers run by its policy. It starts minWorkers, adds a
// worker when the oldest queued invocation has waited scaleUpQueueWaitMs (up to maxWorkers), removes
// workers idle for idleMs (down to minWorkers), and replaces dead workers. An invocation whose worker dies
// comes back as `lost` (never half-reported); retrying is the orchestrator's call.
import type { FleetStatus } from '../protocol';
import type { FleetConfig } from './config';
import { startWorker, type WorkerHandle } from './worker-handle';
import type { DoneMessage, FromWorker } from './worker/messages';

export interface FleetTask {
  id: string;
  codelet: string;
  bundle: string;
  exportPath: string[];
  /** Checked by serialise() beforehand; cloned again when sent. */
  args: unknown[];
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
      this.pump();
    });
  }

  /** Drops a queued invocation, or abandons a running one (stopping its worker if it runs nothing else). */
  cancel(id: string): void {
    const q = this.queue.findIndex((p) => p.task.id === id);
    if (q >= 0) {
      const [p] = this.queue.splice(q, 1);
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

  /** When a queued invocation could start here: now if a slot is free, else after the queue ahead drains. */
  expectedStartMs(): number {
    const free = this.freeSlots();
    if (free > this.queue.length) return 0;
    // A new worker can be started: roughly its start-up time (a thread or process boot).
    if (this.workers.size + this.starting < this.config.scaling.maxWorkers) return this.config.runtime === 'threads' ? 30 : 80;
    const slots = Math.max(1, this.workers.size * this.config.capacity.concurrencyPerWorker);
    return ((this.queue.length - free + 1) * this.meanRunMs) / slots;
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
    for (const p of this.queue.splice(0)) p.resolve({ kind: 'lost', reason: `fleet ${this.id} shut down`, worker: '', enqueued: p.enqueued, dispatched: now() });
    const exits = [...this.workers.values()].map((w) => new Promise<void>((r) => w.handle.onExit(() => r())));
    for (const w of this.workers.values()) w.handle.kill();
    await Promise.race([Promise.all(exits), new Promise((r) => setTimeout(r, 2000))]);
  }

  // ------------------------------------------------------------------------------------------------

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
    if (this.scaleTimer || this.closed || this.starting > 0) return;
    const max = this.config.scaling.maxWorkers;
    if (this.workers.size >= max) return;
    const waited = now() - this.queue[0]!.enqueued;
    const delay = Math.max(0, this.config.scaling.scaleUpQueueWaitMs - waited);
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
