import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Agent } from '/work/main/agent/agent';
import { FixedCatalog } from '/work/main/agent/codelets/catalog';
import type { Codelet } from '/work/main/server/analysis/metadata';
const ENTRY = 'empty.ts#empty';
const range = { start: { line: 1, character: 0 }, end: { line: 1, character: 32 } };
const EMPTY: Codelet = {
  id: ENTRY, name: 'empty', kind: 'function', file: 'empty.ts', range, selectionRange: range, exported: true, async: false,
  invoke: { module: 'empty.ts', exportPath: ['empty'] }, profile: { cpu: 0, memory: 0, io: 0, gpu: 0 }, class: 'trivial',
  confidence: 1, reasons: [], dependencies: [], state: { reads: [], writes: [] }, estimatedMs: 0, estimateBasis: 'empty body',
  parallelGroups: [], plan: { decomposable: false, reasons: [], params: [], steps: [], result: null }, advice: [],
} as any;
async function main() {
  const state = mkdtempSync(path.join(os.tmpdir(), 'pr-'));
  const agent = await Agent.start({ workspace: '/work/main/bench/dispatch/workload', stateDir: state, fleets: [{ id: 'local', specialisation: 'general', runtime: 'threads', costPerSecond: 0, capacity: { concurrencyPerWorker: 1 }, scaling: { minWorkers: 2, maxWorkers: 2, scaleUpQueueWaitMs: 0, idleMs: 600000 }, retries: { attempts: 3, backoffMs: 10 } } as any], catalog: new FixedCatalog([EMPTY]), listen: false });
  const run = async () => { const r = await agent.orchestrator.run({ entry: ENTRY, args: [], retryUserErrors: 0 } as any); if (!r.ok) throw new Error(r.error!.message); };
  for (let i = 0; i < 500; i++) await run();
  const N = Number(process.argv[2] ?? 20000);
  let started = 0; const c0 = process.cpuUsage(); const t = performance.now();
  await Promise.all(Array.from({ length: 64 }, async () => { while (started < N) { started++; await run(); } }));
  const c = process.cpuUsage(c0);
  console.log('request', Math.round(N / ((performance.now() - t) / 1000)), '/s', 'cpu us/inv', ((c.user + c.system) / N).toFixed(1));
  await agent.close();
}
void main();
