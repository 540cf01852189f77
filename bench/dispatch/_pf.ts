import path from 'node:path';
import { Fleet } from '/work/main/agent/fleets/fleet';
import { BundleCache } from '/work/main/agent/bundles';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
const mode = process.argv[2] ?? 'fleet';
async function main() {
  const ws = '/work/main/bench/dispatch/workload';
  const state = mkdtempSync(path.join(os.tmpdir(), 'pf-'));
  const bundle = await new BundleCache(ws, state).bundleFor('empty.ts');
  const fleet = new Fleet({ id: 'local', specialisation: 'general', runtime: 'threads', costPerSecond: 0, capacity: { concurrencyPerWorker: 1 }, scaling: { minWorkers: 2, maxWorkers: 2, scaleUpQueueWaitMs: 0, idleMs: 600000 }, retries: { attempts: 3, backoffMs: 10 } } as any, ws);
  await fleet.ready();
  let k = 0;
  const call = async () => { const o = await fleet.submit({ id: `b${k++}`, codelet: 'x', bundle, exportPath: ['empty'], args: [] }); if (o.kind !== 'done') throw new Error(); };
  let started = 0; const N = 40000;
  const t = performance.now();
  await Promise.all(Array.from({ length: 64 }, async () => { while (started < N) { started++; await call(); } }));
  console.log(mode, Math.round(N / ((performance.now() - t) / 1000)), '/s');
  await fleet.close();
}
void main();
