// bench:dispatch — an empty codelet through the agent's local fleet versus piscina's run() of the same
// function from the same bundle, in the same run, with the same number of threads (concurrency 1 each).
// Agent paths:
//   fleet:    Fleet.submit — argument check and byte count, queue, worker thread, per-invocation
//             measurement (CPU, event-loop idle, heap, bytes), result check; the goal figure.
//   fleet-no-ahead: the same with sending ahead off (a busy worker is not sent its next short invocation
//             before it finishes), to show what that buys.
//   request:  Orchestrator.run — the whole request on top: entry lookup, plan, placement (the agent's
//             default, learned), bundle cache, invocation record, metrics, history (group-committed to
//             SQLite), events.
//   request-class-affinity: the same with the simple class-affinity placement, to show placement's share.
//   request-3-steps: a decomposed request of three empty steps (two side by side, a third after both),
//             placed as a whole by the learned placement (its plan, PEFT by default; re-plans as steps end);
//             request-3-steps-no-plan: the same with plans off (each step placed on its own). Both run on
//             two fleets like `local` (with one there is nothing to plan: no plan is made), in agents of
//             their own, and are reported per invocation (per request / 3), so they compare with `request`.
// Every round runs every path, in a rotated order, so drift on a shared machine hits all alike; medians
// are reported, with the CPU time the whole process (all threads) spent per invocation.
//   npm run bench:dispatch [-- --sequential 2000 --concurrent 10000 --inflight 64 --rounds 7]
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Piscina } from 'piscina';
import { Agent } from '../../agent/agent';
import { FixedCatalog } from '../../agent/codelets/catalog';
import type { FleetConfig } from '../../agent/fleets/config';
import { Fleet } from '../../agent/fleets/fleet';
import { serialise } from '../../agent/fleets/serialise';
import type { Codelet } from '../../server/analysis/metadata';

const { values } = parseArgs({
  options: {
    sequential: { type: 'string', default: '2000' },
    concurrent: { type: 'string', default: '10000' },
    inflight: { type: 'string', default: '64' },
    threads: { type: 'string', default: '2' },
    rounds: { type: 'string', default: '7' },
  },
});
const SEQ = Number(values.sequential);
const CONC = Number(values.concurrent);
const INFLIGHT = Number(values.inflight);
const THREADS = Number(values.threads);
const ROUNDS = Number(values.rounds);
const WORKSPACE = path.join(__dirname, 'workload');
const ENTRY = 'empty.ts#empty';

/** The codelet as the analyser describes it (fixed here so the figure measures dispatch, not analysis). */
const range = { start: { line: 1, character: 0 }, end: { line: 1, character: 32 } };
const EMPTY: Codelet = {
  id: ENTRY, name: 'empty', kind: 'function', file: 'empty.ts', range, selectionRange: range, exported: true, async: false,
  invoke: { module: 'empty.ts', exportPath: ['empty'] }, profile: { cpu: 0, memory: 0, io: 0, gpu: 0 }, class: 'trivial',
  confidence: 1, reasons: [], dependencies: [], state: { reads: [], writes: [] }, estimatedMs: 0, estimateBasis: 'empty body',
  parallelGroups: [], plan: { decomposable: false, reasons: [], params: [], steps: [], result: null }, advice: [],
};

/** Three empty steps: s1 and s2 side by side, s3 after both. */
const EMPTY3: Codelet = {
  ...EMPTY, id: 'empty.ts#three', name: 'three', invoke: null, dependencies: [ENTRY],
  plan: {
    decomposable: true, reasons: [], params: [], result: null,
    steps: [
      { id: 's1', callee: ENTRY, args: [], dependsOn: [], range },
      { id: 's2', callee: ENTRY, args: [], dependsOn: [], range },
      { id: 's3', callee: ENTRY, args: [], dependsOn: ['s1', 's2'], range },
    ],
  },
};
/** Invocations per call of the paths that run more than one. */
const INVOCATIONS_PER_CALL: Record<string, number> = { 'request-3-steps': 3, 'request-3-steps-no-plan': 3 };

/** µs of process CPU (every thread) since `from`. */
function cpuSince(from: NodeJS.CpuUsage): number {
  const c = process.cpuUsage(from);
  return c.user + c.system;
}

/** µs per invocation, one at a time; and CPU µs per invocation. */
async function timeSequential(n: number, call: () => Promise<unknown>): Promise<[number, number]> {
  const c = process.cpuUsage();
  const t = performance.now();
  for (let i = 0; i < n; i++) await call();
  return [((performance.now() - t) * 1000) / n, cpuSince(c) / n];
}

/** Invocations per second with `inflight` outstanding; and CPU µs per invocation. */
async function timeConcurrent(n: number, inflight: number, call: () => Promise<unknown>): Promise<[number, number]> {
  let started = 0;
  const c = process.cpuUsage();
  const t = performance.now();
  const lane = async (): Promise<void> => {
    while (started < n) {
      started++;
      await call();
    }
  };
  await Promise.all(Array.from({ length: inflight }, lane));
  return [n / ((performance.now() - t) / 1000), cpuSince(c) / n];
}

async function main(): Promise<void> {
  const state = mkdtempSync(path.join(os.tmpdir(), 'codelets-bench-dispatch-'));
  const fleet: FleetConfig = {
    id: 'local', specialisation: 'general', runtime: 'threads', costPerSecond: 0,
    capacity: { concurrencyPerWorker: 1 },
    scaling: { minWorkers: THREADS, maxWorkers: THREADS, scaleUpQueueWaitMs: 0, idleMs: 600_000 },
    retries: { attempts: 3, backoffMs: 10 },
  };
  const agent = await Agent.start({ workspace: WORKSPACE, stateDir: state, fleets: [fleet], catalog: new FixedCatalog([EMPTY]), listen: false });
  const state2 = mkdtempSync(path.join(os.tmpdir(), 'codelets-bench-dispatch-'));
  const simple = await Agent.start({ workspace: WORKSPACE, stateDir: state2, fleets: [fleet], catalog: new FixedCatalog([EMPTY]), listen: false, placement: 'class-affinity' });
  const state3 = mkdtempSync(path.join(os.tmpdir(), 'codelets-bench-dispatch-'));
  const twoFleets = [fleet, { ...fleet, id: 'local2' }];
  const noPlan = await Agent.start({ workspace: WORKSPACE, stateDir: state3, fleets: twoFleets, catalog: new FixedCatalog([EMPTY, EMPTY3]), listen: false, adaptive: { plan: { algorithm: 'off' } } });
  const state4 = mkdtempSync(path.join(os.tmpdir(), 'codelets-bench-dispatch-'));
  const planned = await Agent.start({ workspace: WORKSPACE, stateDir: state4, fleets: twoFleets, catalog: new FixedCatalog([EMPTY, EMPTY3]), listen: false });
  const request = (a: Agent, entry = ENTRY) => async (): Promise<void> => {
    const r = await a.orchestrator.run({ entry, args: [], retryUserErrors: 0 });
    if (!r.ok) throw new Error(r.error!.message);
  };
  const run = request(agent);
  await run();
  // The same function from the same bundle the agent's workers load.
  const bundle = await (agent.orchestrator as unknown as { deps: { bundles: { bundleFor(m: string): Promise<string> } } }).deps.bundles.bundleFor('empty.ts');
  const piscina = new Piscina({ filename: bundle, name: 'empty', minThreads: THREADS, maxThreads: THREADS, concurrentTasksPerWorker: 1, idleTimeout: 600_000 });
  const pool = (): Promise<unknown> => piscina.run([]);
  const local = agent.fleets.get('local')!;
  // The same fleet, standalone, with sending ahead off.
  const noAhead = new Fleet(fleet, WORKSPACE, undefined, { sendAhead: false });
  await noAhead.ready();
  let k = 0;
  const submitTo = (target: Fleet) => async (): Promise<void> => {
    // As the orchestrator does: serialise once to check the arguments and count their bytes, send by clone.
    const args: Uint8Array[] = [];
    serialise(args, 'the arguments');
    const o = await target.submit({ id: `b${k++}`, codelet: ENTRY, bundle, exportPath: ['empty'], args });
    if (o.kind !== 'done' || !o.message.ok) throw new Error(`dispatch failed: ${o.kind}`);
  };

  const paths: [string, () => Promise<unknown>][] = [
    ['piscina', pool],
    ['fleet', submitTo(local)],
    ['fleet-no-ahead', submitTo(noAhead)],
    ['request', run],
    ['request-class-affinity', request(simple)],
    ['request-3-steps', request(planned, EMPTY3.id)],
    ['request-3-steps-no-plan', request(noPlan, EMPTY3.id)],
  ];
  for (const [, f] of paths) await timeSequential(500, f);
  for (const [, f] of paths) await timeConcurrent(2000, INFLIGHT, f);
  const load0 = os.loadavg()[0]!;
  const seq: Record<string, number[]> = {};
  const seqCpu: Record<string, number[]> = {};
  const thr: Record<string, number[]> = {};
  const thrCpu: Record<string, number[]> = {};
  for (const [name] of paths) [seq[name], seqCpu[name], thr[name], thrCpu[name]] = [[], [], [], []];
  for (let r = 0; r < ROUNDS; r++) {
    const order = paths.map((_, i) => paths[(i + r) % paths.length]!);
    for (const [name, f] of order) {
      const k = INVOCATIONS_PER_CALL[name] ?? 1;
      const [us, cpu] = await timeSequential(Math.ceil(SEQ / k), f);
      seq[name]!.push(us / k);
      seqCpu[name]!.push(cpu / k);
    }
    for (const [name, f] of order) {
      const k = INVOCATIONS_PER_CALL[name] ?? 1;
      const [perSecond, cpu] = await timeConcurrent(Math.ceil(CONC / k), INFLIGHT, f);
      thr[name]!.push(perSecond * k);
      thrCpu[name]!.push(cpu / k);
    }
  }
  const load1 = os.loadavg()[0]!;
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const r1 = (x: number): number => +x.toFixed(1);
  const r2 = (x: number): number => +x.toFixed(2);
  const agentPaths = paths.map(([n]) => n).filter((n) => n !== 'piscina');
  const table = (f: (name: string) => number): Record<string, number> => Object.fromEntries(paths.map(([n]) => [n, f(n)]));
  const ratios = (f: (name: string) => number): Record<string, number> => Object.fromEntries(agentPaths.map((n) => [n, r2(f(n))]));
  const p = median(seq.piscina!);
  const tp = median(thr.piscina!);
  const out = {
    threads: THREADS,
    rounds: ROUNDS,
    loadAverage1m: { start: r1(load0), end: r1(load1) },
    sequential: {
      invocations: SEQ,
      usPerInvocation: table((n) => r1(median(seq[n]!))),
      ratioToPiscina: ratios((n) => median(seq[n]!) / p),
      cpuUsPerInvocation: table((n) => r1(median(seqCpu[n]!))),
      fleetRatioPerRound: seq.fleet!.map((x, i) => r2(x / seq.piscina![i]!)),
      fleetNoAheadRatioPerRound: seq['fleet-no-ahead']!.map((x, i) => r2(x / seq.piscina![i]!)),
    },
    concurrent: {
      invocations: CONC,
      inflight: INFLIGHT,
      perSecond: table((n) => Math.round(median(thr[n]!))),
      // Time per invocation relative to piscina: piscina's throughput over ours.
      ratioToPiscina: ratios((n) => tp / median(thr[n]!)),
      cpuUsPerInvocation: table((n) => r1(median(thrCpu[n]!))),
      // Per-round ratios show the spread the machine's load causes.
      fleetRatioPerRound: thr.fleet!.map((x, i) => r2(thr.piscina![i]! / x)),
    },
    goal: 'fleet ratio <= 1.25 (time per invocation, agent / piscina)',
  };
  console.log(JSON.stringify(out, null, 2));
  await piscina.destroy();
  await noAhead.close();
  await simple.close();
  rmSync(state2, { recursive: true, force: true });
  await noPlan.close();
  rmSync(state3, { recursive: true, force: true });
  await planned.close();
  rmSync(state4, { recursive: true, force: true });
  await agent.close();
  rmSync(state, { recursive: true, force: true });
}

void main();
