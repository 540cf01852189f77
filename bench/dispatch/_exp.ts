// bench:dispatch — an empty codelet through the agent's local fleet versus piscina's run() of the same
// function from the same bundle, in the same run, with the same number of threads. Two agent paths:
//   fleet:   Fleet.submit — argument serialisation and check, queue, worker thread, per-invocation
//            measurement (thread CPU, heap, bytes), result serialisation; the goal figure.
//   request: Orchestrator.run — the whole request on top: entry lookup, plan, placement, bundle cache,
//            invocation record, metrics, history (group-committed to SQLite), events.
// Rounds alternate between the three so drift on a shared machine hits all alike; medians are reported.
//   npm run bench:dispatch [-- --sequential 3000 --concurrent 20000 --inflight 64]
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Piscina } from 'piscina';
import { Agent } from '/work/main/agent/agent';
import { FixedCatalog } from '/work/main/agent/codelets/catalog';
import type { FleetConfig } from '/work/main/agent/fleets/config';
import { serialise } from '/work/main/agent/fleets/serialise';
import type { Codelet } from '../../server/analysis/metadata';

const { values } = parseArgs({ options: { sequential: { type: 'string', default: '3000' }, concurrent: { type: 'string', default: '20000' }, inflight: { type: 'string', default: '64' }, threads: { type: 'string', default: '2' } } });
const SEQ = Number(values.sequential);
const CONC = Number(values.concurrent);
const INFLIGHT = Number(values.inflight);
const THREADS = Number(values.threads);
const WORKSPACE = '/work/main/bench/dispatch/workload';
const ENTRY = 'empty.ts#empty';

/** The codelet as the analyser describes it (fixed here so the figure measures dispatch, not analysis). */
const range = { start: { line: 1, character: 0 }, end: { line: 1, character: 32 } };
const EMPTY: Codelet = {
  id: ENTRY, name: 'empty', kind: 'function', file: 'empty.ts', range, selectionRange: range, exported: true, async: false,
  invoke: { module: 'empty.ts', exportPath: ['empty'] }, profile: { cpu: 0, memory: 0, io: 0, gpu: 0 }, class: 'trivial',
  confidence: 1, reasons: [], dependencies: [], state: { reads: [], writes: [] }, estimatedMs: 0, estimateBasis: 'empty body',
  parallelGroups: [], plan: { decomposable: false, reasons: [], params: [], steps: [], result: null }, advice: [],
};

async function timeSequential(n: number, call: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  for (let i = 0; i < n; i++) await call();
  return ((performance.now() - t) * 1000) / n;
}

async function timeConcurrent(n: number, inflight: number, call: () => Promise<unknown>): Promise<number> {
  let started = 0;
  const t = performance.now();
  const lane = async (): Promise<void> => {
    while (started < n) {
      started++;
      await call();
    }
  };
  await Promise.all(Array.from({ length: inflight }, lane));
  return n / ((performance.now() - t) / 1000);
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
  const run = async (): Promise<void> => {
    const r = await agent.orchestrator.run({ entry: ENTRY, args: [], retryUserErrors: 0 });
    if (!r.ok) throw new Error(r.error!.message);
  };
  await run();
  // The same function from the same bundle the agent's workers load.
  const bundle = await (agent.orchestrator as unknown as { deps: { bundles: { bundleFor(m: string): Promise<string> } } }).deps.bundles.bundleFor('empty.ts');
  const piscina = new Piscina({ filename: bundle, name: 'empty', minThreads: THREADS, maxThreads: THREADS, concurrentTasksPerWorker: 1, idleTimeout: 600_000 });
  const pool = (): Promise<unknown> => piscina.run([]);
  const local = agent.fleets.get('local')!;
  let k = 0;
  const submit = async (): Promise<void> => {
    // As the orchestrator does: serialise once to check the arguments and count their bytes, send by clone.
    const args: unknown[] = [];
    serialise(args, 'the arguments');
    const o = await local.submit({ id: `b${k++}`, codelet: ENTRY, bundle, exportPath: ['empty'], args });
    if (o.kind !== 'done' || !o.message.ok) throw new Error(`dispatch failed: ${o.kind}`);
  };

  // Warm both, then alternate rounds so drift on a shared machine hits both alike.
  const paths: Record<string, () => Promise<unknown>> = { piscina: pool, fleet: submit, request: run };
  for (const k of Object.keys(paths)) if (process.env.ONLY && !process.env.ONLY.split(',').includes(k)) delete paths[k];
  for (const f of Object.values(paths)) await timeSequential(500, f);
  const rounds = 5;
  const seq: Record<string, number[]> = { piscina: [], fleet: [], request: [] };
  const thr: Record<string, number[]> = { piscina: [], fleet: [], request: [] };
  for (let r = 0; r < rounds; r++) {
    if (process.env.SEQ) for (const [name, f] of Object.entries(paths)) seq[name]!.push(await timeSequential(SEQ, f));
    for (const [name, f] of Object.entries(paths)) thr[name]!.push(await timeConcurrent(CONC, INFLIGHT, f));
  }
  console.log(JSON.stringify(thr));
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const us = (x: number): number => +x.toFixed(1);
  const p = median(seq.piscina!);
  const tp = median(thr.piscina!);
  const out = {
    threads: THREADS,
    rounds,
    sequential: {
      invocations: SEQ,
      usPerInvocation: { piscina: us(p), fleet: us(median(seq.fleet!)), request: us(median(seq.request!)) },
      ratioToPiscina: { fleet: +(median(seq.fleet!) / p).toFixed(2), request: +(median(seq.request!) / p).toFixed(2) },
    },
    concurrent: {
      invocations: CONC,
      inflight: INFLIGHT,
      perSecond: { piscina: Math.round(tp), fleet: Math.round(median(thr.fleet!)), request: Math.round(median(thr.request!)) },
      ratioToPiscina: { fleet: +(tp / median(thr.fleet!)).toFixed(2), request: +(tp / median(thr.request!)).toFixed(2) },
    },
    goal: 'fleet ratio <= 1.25 (time per invocation, agent / piscina)',
  };
  console.log(JSON.stringify(out, null, 2));
  await piscina.destroy();
  await agent.close();
  rmSync(state, { recursive: true, force: true });
}

void main();
