// Performance monitoring: takes each invocation's record, keeps live histograms per codelet and fleet
// (perf_hooks), Prometheus metrics (prom-client, own registry), the SQLite history, and the measured
// figures merged back into codelet metadata. Subscribers hear every record and run.
import { EventEmitter } from 'node:events';
import { createHistogram, type RecordableHistogram } from 'node:perf_hooks';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { CodeletClass, Measured } from '../../server/analysis/metadata';
import type { FleetStatus, InvocationRecord, MetricsEvent, RunEvent } from '../protocol';
import { HistoryStore, type CodeletAggregate, type RetentionPolicy } from './history';
import { toMeasured } from './measured';

export { toMeasured };

export interface MonitorEvents {
  invocation: [InvocationRecord];
  run: [RunEvent];
  metrics: [MetricsEvent];
}

const FLUSH_MS = 20;
const FLUSH_RECORDS = 500;


export class Monitor extends EventEmitter<MonitorEvents> {
  readonly registry = new Registry();
  readonly history: HistoryStore;
  private readonly byCodelet = new Map<string, RecordableHistogram>();
  private readonly byFleet = new Map<string, RecordableHistogram>();
  private readonly measuredCache = new Map<string, { at: number; value: Measured | null }>();
  private readonly duration: Histogram<'codelet' | 'fleet' | 'outcome'>;
  private readonly invocations: Counter<'codelet' | 'fleet' | 'outcome'>;
  private readonly requests: Counter<'entry' | 'outcome'>;
  private readonly cpuSeconds: Counter<'codelet' | 'fleet'>;
  /** prom-client children per codelet → fleet → outcome: binding labels once keeps their hashing off each invocation. */
  private readonly series = new Map<string, Map<string, Record<'ok' | 'error', Series>>>();
  /** The analyser's class of a codelet, which the measured class is explained against. */
  staticClassOf: (codelet: string) => CodeletClass | undefined = () => undefined;
  private pending: InvocationRecord[] = [];
  private flushTimer: NodeJS.Timeout | undefined;

  constructor(stateDir: string, fleets: () => FleetStatus[], retention?: RetentionPolicy) {
    super();
    this.history = new HistoryStore(stateDir, retention);
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'codelets_agent_' });
    this.duration = new Histogram({
      name: 'codelets_invocation_duration_seconds', help: 'Wall time of codelet invocations', labelNames: ['codelet', 'fleet', 'outcome'], registers,
      buckets: [0.0005, 0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    });
    this.invocations = new Counter({ name: 'codelets_invocations_total', help: 'Codelet invocations by outcome', labelNames: ['codelet', 'fleet', 'outcome'], registers });
    this.cpuSeconds = new Counter({ name: 'codelets_invocation_cpu_seconds_total', help: 'CPU time of codelet invocations', labelNames: ['codelet', 'fleet'], registers });
    this.requests = new Counter({ name: 'codelets_requests_total', help: 'Requests by outcome', labelNames: ['entry', 'outcome'], registers });
    const fleetGauge = (name: string, help: string, pick: (f: FleetStatus) => number): void => {
      new Gauge({
        name, help, labelNames: ['fleet', 'specialisation'], registers,
        collect() {
          this.reset();
          for (const f of fleets()) this.set({ fleet: f.id, specialisation: f.specialisation }, pick(f));
        },
      });
    };
    fleetGauge('codelets_fleet_workers', 'Workers in the fleet', (f) => f.workers);
    fleetGauge('codelets_fleet_capacity', 'Invocation slots (workers × concurrency per worker)', (f) => f.capacity);
    fleetGauge('codelets_fleet_running', 'Invocations running', (f) => f.running);
    fleetGauge('codelets_fleet_utilisation', 'Running / capacity', (f) => f.utilisation);
    fleetGauge('codelets_fleet_queue_depth', 'Invocations waiting', (f) => f.queueDepth);
    fleetGauge('codelets_fleet_queue_wait_seconds', 'Wait of the oldest queued invocation', (f) => f.queueWaitMs / 1000);
    fleetGauge('codelets_fleet_expected_wait_seconds', 'When a new invocation would start, from the expected times of the work ahead', (f) => f.expectedWaitMs / 1000);
    fleetGauge('codelets_fleet_expected_work_seconds', 'Expected execution time left in running and queued invocations', (f) => f.expectedWorkMs / 1000);
    fleetGauge('codelets_fleet_replaced_workers_total', 'Workers replaced after dying', (f) => f.replacedWorkers);
  }

  /**
   * Records a request's invocations: queued for the history store and committed together within
   * FLUSH_MS (group commit keeps SQLite off each response's path; reads and close flush first, so only a
   * crash inside that window can lose records). Then updates live figures and tells subscribers.
   */
  recordRequest(entry: string, ok: boolean, records: readonly InvocationRecord[]): void {
    this.pending.push(...records);
    if (this.pending.length >= FLUSH_RECORDS) this.flush();
    else if (!this.flushTimer) this.flushTimer = setTimeout(() => this.flush(), FLUSH_MS);
    this.requests.inc({ entry, outcome: ok ? 'ok' : 'error' });
    const touched = new Set<string>();
    for (const r of records) {
      const s = this.seriesFor(r.codelet, r.fleet)[r.ok ? 'ok' : 'error'];
      s.duration.observe(r.wallMs / 1000);
      s.invocations.inc();
      s.cpuSeconds.inc(r.cpuMs / 1000);
      if (r.ok) {
        histogram(this.byCodelet, r.codelet).record(Math.max(1, Math.round(r.wallMs * 1000)));
        histogram(this.byFleet, r.fleet).record(Math.max(1, Math.round(r.wallMs * 1000)));
      }
      touched.add(r.codelet);
      // A codelet seen for the first time gets its measured figures at once, not after the cache ages.
      if (this.measuredCache.get(r.codelet)?.value === null) this.measuredCache.delete(r.codelet);
    }
    if (this.listenerCount('metrics') === 0) return;
    for (const codelet of touched) {
      const h = this.byCodelet.get(codelet);
      const last = records.filter((r) => r.codelet === codelet).at(-1)!;
      this.emit('metrics', {
        codelet,
        runs: h?.count ?? 0,
        errors: records.filter((r) => r.codelet === codelet && !r.ok).length,
        p50Ms: h?.count ? h.percentile(50) / 1000 : 0,
        p95Ms: h?.count ? h.percentile(95) / 1000 : 0,
        fleet: last.fleet,
      });
    }
  }

  private seriesFor(codelet: string, fleet: string): Record<'ok' | 'error', Series> {
    let byFleet = this.series.get(codelet);
    if (!byFleet) this.series.set(codelet, (byFleet = new Map()));
    let s = byFleet.get(fleet);
    if (!s) {
      const one = (outcome: 'ok' | 'error'): Series => ({
        duration: this.duration.labels({ codelet, fleet, outcome }),
        invocations: this.invocations.labels({ codelet, fleet, outcome }),
        // CPU seconds carry no outcome label: both outcomes add to one series.
        cpuSeconds: this.cpuSeconds.labels({ codelet, fleet }),
      });
      byFleet.set(fleet, (s = { ok: one('ok'), error: one('error') }));
    }
    return s;
  }

  /** Streams a record to subscribers as soon as it is known (the durable write happens per request). */
  announce(record: InvocationRecord): void {
    this.emit('invocation', record);
  }

  runEvent(event: RunEvent): void {
    this.emit('run', event);
  }

  /** Live latency percentiles (this agent's lifetime) for a fleet, in ms. */
  fleetLatency(fleet: string): FleetStatus['latency'] {
    const h = this.byFleet.get(fleet);
    if (!h?.count) return { count: 0, p50Ms: 0, p95Ms: 0, p99Ms: 0 };
    return { count: h.count, p50Ms: h.percentile(50) / 1000, p95Ms: h.percentile(95) / 1000, p99Ms: h.percentile(99) / 1000 };
  }

  /** Measured figures of every codelet in the history. */
  allMeasured(): { id: string; measured: Measured }[] {
    this.flush();
    return this.history.codelets().flatMap((id) => {
      const measured = this.measured(id, true);
      return measured ? [{ id, measured }] : [];
    });
  }

  /** Writes queued records now (before reads, and on close). */
  flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (!this.pending.length) return;
    const records = this.pending;
    this.pending = [];
    this.history.insert(records);
  }

  aggregate(codelet: string): CodeletAggregate {
    this.flush();
    return this.history.aggregate(codelet);
  }

  /** The measured figures merged into `Codelet.measured`, from history (so they survive restarts). */
  measured(codelet: string, fresh = false): Measured | undefined {
    // Recomputed at most every 5 s per codelet: placement asks on every invocation.
    const cached = this.measuredCache.get(codelet);
    if (cached && !fresh && Date.now() - cached.at < 5000) return cached.value ?? undefined;
    const a = this.aggregate(codelet);
    const value = a.runs - a.errors > 0 ? toMeasured(a, this.staticClassOf(codelet)) : null;
    this.measuredCache.set(codelet, { at: Date.now(), value });
    return value ?? undefined;
  }

  close(): void {
    this.flush();
    this.history.close();
    this.registry.clear();
  }
}

interface Series {
  duration: { observe(seconds: number): void };
  invocations: { inc(): void };
  cpuSeconds: { inc(seconds: number): void };
}

function histogram(map: Map<string, RecordableHistogram>, key: string): RecordableHistogram {
  let h = map.get(key);
  if (!h) map.set(key, (h = createHistogram()));
  return h;
}
