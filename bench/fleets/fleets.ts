// bench:fleets — a mixed workload from the example on the specialised default fleets versus one general
// fleet with the same total number of workers, same run.
//   I/O-heavy:  examples/src/quotes.ts#handleQuotes(data, upstreamUrl, batch): loads a batch of orders and
//               makes four calls to the upstream services (examples/upstream/server.mjs, started here in its
//               own process on a free loopback port; each answer takes --latency-ms there, the time a
//               remote API's round trip costs the caller in waiting, not CPU), then prices the quotes (CPU).
//               Default 250 ms: what third-party APIs of this kind (fraud scoring, FX, payment providers)
//               typically take; `--latency-ms 40` is a same-region service (BENCHMARKS.md has both: on 2
//               cores both sides are CPU-bound at 40 ms, so specialising cannot pay there).
//   CPU/memory: examples/src/service.ts#handleReport(data): hashing, aggregating, a large index, an fsync'd
//               archive.
//   Mix: --mix quotes requests per report request (default 3: a busy API's requests are mostly the
//   waiting kind), --concurrency requests in flight.
// The two sides:
//   specialised: the embedded default fleets as the agent builds them for this machine, held at their
//                maximum size (min = max, where the agent's scaling takes them under this load) so that
//                scaling does not blur the comparison;
//   general:     one `general` fleet (the default general fleet's settings, incl. its concurrency per
//                worker) with as many thread workers as the specialised set has workers in total.
// Placement: issue 5's class affinity (class → specialisation, then earliest start; the measured class once
// a codelet has run 5 times) by default; `--placement learned` uses the agent's learned placement instead,
// `--placement static-class` issue 5's rule on the analyser's class only (the measured class ignored).
// Rounds alternate between the two (starting side alternates too) so the machine's load hits both alike.
// Reports throughput (requests/s), p50/p95 request latency (overall and per entry), the CPU this process
// spent per request and the cores it kept busy (medians over rounds), and where every codelet ran on the
// specialised side (invocations per fleet; on the other side everything runs on its one general fleet).
//   npm run bench:fleets [-- --requests 120 --concurrency 32 --mix 3 --latency-ms 250 --rounds 5
//                           --placement class-affinity|learned|static-class]
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Agent } from '../../agent/agent';
import { defaultFleets, type FleetConfig } from '../../agent/fleets/config';
import { ClassAffinityPlacement, type Placement } from '../../agent/router/placement';
import { startUpstream } from '../../test/agent/support/upstream';
import { fixedSizeDefaultFleets } from '../fixed-fleets';

/**
 * `static-class`: issue 5's rule on the analyser's class alone, never the measured one (a diagnosis: what
 * the fleets do when a codelet's measured class does not move it).
 */
function staticClassPlacement(): Placement {
  const inner = new ClassAffinityPlacement();
  return { place: (codelet, fleets) => inner.place({ ...codelet, measured: undefined }, fleets) };
}

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '120' },
    concurrency: { type: 'string', default: '32' },
    mix: { type: 'string', default: '3' },
    'latency-ms': { type: 'string', default: '250' },
    rounds: { type: 'string', default: '5' },
    workspace: { type: 'string', default: path.resolve(__dirname, '../../examples') },
    placement: { type: 'string', default: 'class-affinity' },
  },
});
const REQUESTS = Number(values.requests);
const CONCURRENCY = Number(values.concurrency);
const MIX = Number(values.mix);
const LATENCY_MS = Number(values['latency-ms']);
const ROUNDS = Number(values.rounds);
const EXAMPLES = path.resolve(values.workspace!);
const PLACEMENTS = ['class-affinity', 'learned', 'static-class'] as const;
const PLACEMENT = values.placement as (typeof PLACEMENTS)[number];
if (!PLACEMENTS.includes(PLACEMENT)) throw new Error(`--placement must be one of ${PLACEMENTS.join(', ')}, not ${PLACEMENT}`);
for (const [name, v] of Object.entries({ requests: REQUESTS, concurrency: CONCURRENCY, mix: MIX, 'latency-ms': LATENCY_MS, rounds: ROUNDS })) {
  if (!Number.isFinite(v) || v < 0 || (name !== 'latency-ms' && name !== 'mix' && v < 1)) throw new Error(`--${name} must be a positive number, not ${v}`);
}
const QUOTES = 'src/quotes.ts#handleQuotes';
const REPORT = 'src/service.ts#handleReport';
/** Batches of 40 orders in data/orders.json (800 orders): requests cycle through them. */
const BATCHES = 20;
/** A request still running after this is a fault to report, not a figure to wait for. */
const REQUEST_TIMEOUT_MS = 60_000;

interface Sample {
  throughput: number;
  /** CPU time of this process (the agent's main thread and thread workers) per request, ms. */
  cpuMsPerRequest: number;
  /** Cores this process kept busy on average during the round. */
  coresBusy: number;
  /** Share of the round the agent's main thread (orchestrator, placement, monitor) was busy, 0..1. */
  mainThreadBusy: number;
  p50: number;
  p95: number;
  p95ByEntry: Record<string, number>;
}

function general(workers: number): FleetConfig[] {
  const g = defaultFleets().find((f) => f.id === 'general')!;
  return [{ ...g, scaling: { ...g.scaling, minWorkers: workers, maxWorkers: workers } }];
}

const pct = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;

async function main(): Promise<void> {
  process.chdir(EXAMPLES);
  const upstream = await startUpstream(LATENCY_MS);
  const stopUpstream = (): void => void upstream.child.kill('SIGTERM');
  process.once('exit', stopUpstream);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));
  // Request i of a round: every (MIX+1)-th is a report, the rest quote batches in turn.
  const request = (i: number): { entry: string; args: unknown[] } =>
    i % (MIX + 1) === MIX ? { entry: REPORT, args: ['data'] } : { entry: QUOTES, args: ['data', upstream.url, i % BATCHES] };

  const placements: Record<string, Record<string, Record<string, number>>> = { specialised: {}, general: {} };
  async function measure(name: string, agent: Agent): Promise<Sample> {
    const latencies: { entry: string; ms: number }[] = [];
    let next = 0;
    // Only one side runs at a time, so this process's CPU during a round is that side's (plus the idle
    // other agent's timers); the memory fleet's child process and the upstream are not counted.
    const cpu0 = process.cpuUsage();
    const elu0 = performance.eventLoopUtilization();
    const t0 = performance.now();
    const lane = async (): Promise<void> => {
      while (next < REQUESTS) {
        const req = request(next++);
        const t = performance.now();
        const r = await agent.orchestrator.run({ ...req, retryUserErrors: 0, timeoutMs: REQUEST_TIMEOUT_MS });
        if (!r.ok) {
          console.error(JSON.stringify(agent.fleets.status(), null, 1));
          throw new Error(`${name}: ${req.entry} failed: ${r.error!.message}`);
        }
        latencies.push({ entry: req.entry, ms: performance.now() - t });
        for (const inv of r.invocations) {
          const byFleet = (placements[name]![inv.codelet] ??= {});
          byFleet[inv.fleet] = (byFleet[inv.fleet] ?? 0) + 1;
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, lane));
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const mainThreadBusy = performance.eventLoopUtilization(elu0).utilization;
    const cpuMs = (cpu.user + cpu.system) / 1000;
    const all = latencies.map((l) => l.ms).sort((a, b) => a - b);
    const p95ByEntry: Record<string, number> = {};
    for (const entry of [QUOTES, REPORT]) {
      const ms = latencies.filter((l) => l.entry === entry).map((l) => l.ms).sort((a, b) => a - b);
      if (ms.length) p95ByEntry[entry] = pct(ms, 95);
    }
    return { throughput: REQUESTS / seconds, cpuMsPerRequest: cpuMs / REQUESTS, coresBusy: cpuMs / 1000 / seconds, mainThreadBusy, p50: pct(all, 50), p95: pct(all, 95), p95ByEntry };
  }

  const spec = fixedSizeDefaultFleets();
  const total = spec.reduce((n, f) => n + f.scaling.maxWorkers, 0);
  const setups: [string, FleetConfig[]][] = [['specialised', spec], ['general', general(total)]];
  const results: Record<string, Sample[]> = { specialised: [], general: [] };
  const agents = new Map<string, { agent: Agent; state: string }>();
  for (const [name, fleets] of setups) {
    const state = mkdtempSync(path.join(os.tmpdir(), `codelets-bench-fleets-${name}-`));
    const agent = await Agent.start({ workspace: EXAMPLES, stateDir: state, fleets, listen: false, placement: PLACEMENT === 'static-class' ? staticClassPlacement() : PLACEMENT });
    // Warm: bundles built, modules loaded in every worker, and every codelet run often enough (≥ 5 times)
    // for class affinity to use its measured class.
    const entries = new Map<string, { entry: string; args: unknown[] }[]>();
    for (let i = 0; i < REQUESTS; i++) {
      const req = request(i);
      const list = entries.get(req.entry) ?? entries.set(req.entry, []).get(req.entry)!;
      if (list.length < 6) list.push(req);
    }
    for (const list of entries.values()) for (const req of list) await agent.orchestrator.run({ ...req, retryUserErrors: 0 });
    await Promise.all(Array.from({ length: 2 * total }, (_, i) => agent.orchestrator.run({ ...request(i), retryUserErrors: 0 })));
    agents.set(name, { agent, state });
  }
  const load0 = os.loadavg()[0]!;
  for (let r = 0; r < ROUNDS; r++) {
    for (const [name] of r % 2 ? [...setups].reverse() : setups) {
      const sample = await measure(name, agents.get(name)!.agent);
      results[name]!.push(sample);
      console.error(`round ${r + 1} ${name}: ${sample.throughput.toFixed(2)} req/s, p95 ${sample.p95.toFixed(0)} ms, ${sample.cpuMsPerRequest.toFixed(1)} ms CPU/request, ${sample.coresBusy.toFixed(2)} cores busy, main thread ${(100 * sample.mainThreadBusy).toFixed(0)} % busy (load ${os.loadavg()[0]!.toFixed(1)})`);
    }
  }
  const load1 = os.loadavg()[0]!;
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const summary = Object.fromEntries(
    Object.entries(results).map(([name, rs]) => [
      name,
      {
        requestsPerSecond: +median(rs.map((x) => x.throughput)).toFixed(2),
        p50Ms: +median(rs.map((x) => x.p50)).toFixed(1),
        p95Ms: +median(rs.map((x) => x.p95)).toFixed(1),
        cpuMsPerRequest: +median(rs.map((x) => x.cpuMsPerRequest)).toFixed(1),
        coresBusy: +median(rs.map((x) => x.coresBusy)).toFixed(2),
        mainThreadBusy: +median(rs.map((x) => x.mainThreadBusy)).toFixed(2),
        p95MsByEntry: Object.fromEntries([QUOTES, REPORT].filter((e) => e in rs[0]!.p95ByEntry).map((e) => [e, +median(rs.map((x) => x.p95ByEntry[e]!)).toFixed(1)])),
      },
    ]),
  );
  console.log(
    JSON.stringify(
      {
        workload: `${REQUESTS} requests per round (${MIX} of ${QUOTES} per ${REPORT}), ${CONCURRENCY} in flight, ${ROUNDS} rounds, upstream latency ${LATENCY_MS} ms, cores ${os.availableParallelism()}`,
        placement: PLACEMENT,
        loadAverage1m: { start: +load0.toFixed(1), end: +load1.toFixed(1) },
        workers: {
          specialised: Object.fromEntries(spec.map((f) => [f.id, `${f.scaling.maxWorkers} ${f.runtime} × ${f.capacity.concurrencyPerWorker}`])),
          general: `${total} threads × ${general(total)[0]!.capacity.concurrencyPerWorker}`,
        },
        ...summary,
        throughputRatio: +(summary.specialised!.requestsPerSecond / summary.general!.requestsPerSecond).toFixed(2),
        p95Ratio: +(summary.general!.p95Ms / summary.specialised!.p95Ms).toFixed(2),
        throughputRatioPerRound: results.specialised!.map((x, i) => +(x.throughput / results.general![i]!.throughput).toFixed(2)),
        invocationsPerFleet: placements.specialised,
        goal: 'throughputRatio >= 1.5',
      },
      null,
      2,
    ),
  );
  for (const { agent, state } of agents.values()) {
    await agent.close();
    rmSync(state, { recursive: true, force: true });
  }
  stopUpstream();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
