// The feedback loop in the running agent: measurements flow monitor → models → placement.
// The monitor announces every finished invocation; its measured execution time (queue wait excluded)
// feeds the learned models, which persist in the state folder; each placement's explanation is kept per
// codelet (the last PLACEMENTS_KEPT) for `GET /v1/codelets/{id}/placements`. Placement itself never
// reads the history store.
import type { FleetConfig } from '../fleets/config';
import { loadModels, ModelSaver } from '../monitor/model-persistence';
import type { InvocationRecord, PlacementsResponse } from '../protocol';
import { AdaptivePlacer, LearnedPlacement, type AdaptiveOptions } from './adaptive';
import { ClassAffinityPlacement, type Placement } from './placement';

export type PlacementPolicy = 'learned' | 'class-affinity';
export const PLACEMENT_POLICIES: readonly PlacementPolicy[] = ['learned', 'class-affinity'];

/** Placements kept per codelet for the editor. */
export const PLACEMENTS_KEPT = 100;

type PlacementEntry = PlacementsResponse['placements'][number];

/** The latest placements of each codelet, newest last. */
export class PlacementLog {
  private readonly byCodelet = new Map<string, PlacementEntry[]>();

  constructor(private readonly keep = PLACEMENTS_KEPT) {}

  add(r: InvocationRecord): void {
    let list = this.byCodelet.get(r.codelet);
    if (!list) this.byCodelet.set(r.codelet, (list = []));
    list.push({
      invocation: r.id,
      requestId: r.requestId,
      fleet: r.fleet,
      ok: r.ok,
      wallMs: r.wallMs,
      end: r.end,
      placement: r.placement,
      ...(r.explanation ? { explanation: r.explanation } : {}),
    });
    if (list.length > this.keep) list.splice(0, list.length - this.keep);
  }

  /** The last `limit` placements of a codelet, newest last. */
  latest(codelet: string, limit = this.keep): PlacementEntry[] {
    return (this.byCodelet.get(codelet) ?? []).slice(-Math.max(0, limit));
  }
}

/** What the loop needs of the monitor: its stream of finished invocations. */
export interface InvocationSource {
  on(event: 'invocation', listener: (record: InvocationRecord) => void): unknown;
  off(event: 'invocation', listener: (record: InvocationRecord) => void): unknown;
}

export interface PlacementLoopOptions {
  policy: PlacementPolicy;
  stateDir: string;
  monitor: InvocationSource;
  /** The configuration of a fleet in service (cost, memory limit), for scoring. */
  fleetConfig: (id: string) => FleetConfig | undefined;
  adaptive?: AdaptiveOptions;
  log: (line: string) => void;
}

export class PlacementLoop {
  readonly placement: Placement;
  readonly learned: LearnedPlacement | undefined;
  readonly log = new PlacementLog();
  private readonly saver: ModelSaver | undefined;
  private readonly listener: (record: InvocationRecord) => void;

  constructor(private readonly options: PlacementLoopOptions) {
    if (options.policy === 'learned') {
      const models = loadModels(options.stateDir, options.log);
      this.learned = new LearnedPlacement(new AdaptivePlacer(options.adaptive, models), (id) => {
        const c = options.fleetConfig(id);
        if (!c) return undefined;
        return {
          costPerSecond: c.costPerSecond,
          // A request's plan may use the workers the fleet can scale to (it adds them when work queues).
          slots: c.scaling.maxWorkers * c.capacity.concurrencyPerWorker,
          ...(c.capacity.memoryLimitMb === undefined ? {} : { memoryLimitMb: c.capacity.memoryLimitMb }),
        };
      });
      this.saver = new ModelSaver(options.stateDir, models, options.log);
      this.placement = this.learned;
    } else {
      this.placement = new ClassAffinityPlacement();
    }
    this.listener = (r) => this.heard(r);
    options.monitor.on('invocation', this.listener);
  }

  get policy(): PlacementPolicy {
    return this.options.policy;
  }

  private heard(r: InvocationRecord): void {
    this.log.add(r);
    // Failed and cancelled runs say nothing about how fast the fleet is.
    if (!this.learned || !r.ok || !Number.isFinite(r.wallMs) || r.wallMs < 0) return;
    this.learned.observe({ codelet: r.codelet, fleet: r.fleet, ms: r.wallMs, cpuMs: r.cpuMs, waitMs: r.ioWaitMs, ...(r.bytesIn > 0 ? { size: r.bytesIn } : {}), at: r.end });
    this.learned.observeOutput(r.codelet, r.bytesOut);
    this.saver!.markDirty();
  }

  /** Writes the models now if they changed (also done every few seconds). */
  save(): void {
    this.saver?.saveIfDirty();
  }

  close(): void {
    this.options.monitor.off('invocation', this.listener);
    this.saver?.close();
  }
}
