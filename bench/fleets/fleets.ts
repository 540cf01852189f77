// bench:fleets — the example's mixed workload (I/O: loading files, archiving the events durably with an
// fsync per segment; CPU: aggregating, hashing; memory: building an index) as whole decomposed requests of
// examples/src/service.ts#handleReport, on the specialised default fleets versus one general fleet with
// the same total number of workers, same run.
//   specialised: the embedded default fleets as the agent builds them for this machine, held at their
//                maximum size (min = max, where the agent's scaling takes them under this load) so that
//                scaling does not blur the comparison;
//   general:     one `general` fleet (the default general fleet's settings, incl. its concurrency per
//                worker) with as many thread workers as the specialised set has workers in total.
// Placement: issue 5's class affinity (class → specialisation, then earliest start) by default, so the
// figure measures the fleets; `--placement learned` uses the agent's learned placement instead.
// Rounds alternate between the two (starting side alternates too) so the machine's load hits both alike.
// Reports throughput (requests/s) and p50/p95 request latency, medians over rounds.
//   npm run bench:fleets [-- --requests 40 --concurrency 8 --rounds 5 --placement class-affinity|learned]
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Agent } from '../../agent/agent';
import { defaultFleets, type FleetConfig } from '../../agent/fleets/config';

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '40' },
    concurrency: { type: 'string', default: '8' },
    rounds: { type: 'string', default: '5' },
    workspace: { type: 'string', default: path.resolve(__dirname, '../../examples') },
    placement: { type: 'string', default: 'class-affinity' },
  },
});
const REQUESTS = Number(values.requests);
const CONCURRENCY = Number(values.concurrency);
const ROUNDS = Number(values.rounds);
const EXAMPLES = path.resolve(values.workspace!);
const PLACEMENT = values.placement as 'class-affinity' | 'learned';
if (PLACEMENT !== 'class-affinity' && PLACEMENT !== 'learned') throw new Error(`--placement must be class-affinity or learned, not ${PLACEMENT}`);
const ENTRY = 'src/service.ts#handleReport';

function specialised(): FleetConfig[] {
  return defaultFleets().map((f) => ({ ...f, scaling: { ...f.scaling, minWorkers: f.scaling.maxWorkers } }));
}

function general(workers: number): FleetConfig[] {
  const g = defaultFleets().find((f) => f.id === 'general')!;
  return [{ ...g, scaling: { ...g.scaling, minWorkers: workers, maxWorkers: workers } }];
}

async function measure(agent: Agent): Promise<{ throughput: number; p50: number; p95: number }> {
  const latencies: number[] = [];
  let next = 0;
  const t0 = performance.now();
  const lane = async (): Promise<void> => {
    while (next < REQUESTS) {
      next++;
      const t = performance.now();
      const r = await agent.orchestrator.run({ entry: ENTRY, args: ['data'], retryUserErrors: 0 });
      if (!r.ok) throw new Error(`request failed: ${r.error!.message}`);
      latencies.push(performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, lane));
  const seconds = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number): number => latencies[Math.min(latencies.length - 1, Math.ceil((p / 100) * latencies.length) - 1)]!;
  return { throughput: REQUESTS / seconds, p50: pct(50), p95: pct(95) };
}

async function main(): Promise<void> {
  process.chdir(EXAMPLES);
  const spec = specialised();
  const total = spec.reduce((n, f) => n + f.scaling.maxWorkers, 0);
  const setups: [string, FleetConfig[]][] = [['specialised', spec], ['general', general(total)]];
  const results: Record<string, { throughput: number; p50: number; p95: number }[]> = { specialised: [], general: [] };
  const agents = new Map<string, { agent: Agent; state: string }>();
  for (const [name, fleets] of setups) {
    const state = mkdtempSync(path.join(os.tmpdir(), `codelets-bench-fleets-${name}-`));
    const agent = await Agent.start({ workspace: EXAMPLES, stateDir: state, fleets, listen: false, placement: PLACEMENT });
    // Warm: bundles built, modules loaded in every worker.
    for (let i = 0; i < 2 * total; i++) await agent.orchestrator.run({ entry: ENTRY, args: ['data'], retryUserErrors: 0 });
    agents.set(name, { agent, state });
  }
  const load0 = os.loadavg()[0]!;
  for (let r = 0; r < ROUNDS; r++) {
    for (const [name] of r % 2 ? [...setups].reverse() : setups) results[name]!.push(await measure(agents.get(name)!.agent));
  }
  const load1 = os.loadavg()[0]!;
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const summary = Object.fromEntries(
    Object.entries(results).map(([name, rs]) => [
      name,
      { requestsPerSecond: +median(rs.map((x) => x.throughput)).toFixed(2), p50Ms: +median(rs.map((x) => x.p50)).toFixed(1), p95Ms: +median(rs.map((x) => x.p95)).toFixed(1) },
    ]),
  );
  const placements = (await agents.get('specialised')!.agent.orchestrator.run({ entry: ENTRY, args: ['data'], retryUserErrors: 0 })).invocations.map((i) => `${i.codelet} → ${i.fleet}`);
  console.log(
    JSON.stringify(
      {
        workload: `${REQUESTS} requests of ${ENTRY}("data") per round, ${CONCURRENCY} at a time, ${ROUNDS} rounds, cores ${os.availableParallelism()}`,
        placement: PLACEMENT,
        loadAverage1m: { start: +load0.toFixed(1), end: +load1.toFixed(1) },
        workers: { specialised: Object.fromEntries(spec.map((f) => [f.id, `${f.scaling.maxWorkers} ${f.runtime} × ${f.capacity.concurrencyPerWorker}`])), general: `${total} threads × ${general(total)[0]!.capacity.concurrencyPerWorker}` },
        ...summary,
        throughputRatio: +(summary.specialised!.requestsPerSecond / summary.general!.requestsPerSecond).toFixed(2),
        p95Ratio: +(summary.general!.p95Ms / summary.specialised!.p95Ms).toFixed(2),
        throughputRatioPerRound: results.specialised!.map((x, i) => +(x.throughput / results.general![i]!.throughput).toFixed(2)),
        placements,
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
}

void main();
