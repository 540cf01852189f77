// One fleet with real worker threads: scaling up on queue wait, down after idle time, status figures.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { BundleCache } from '../../agent/bundles';
import type { Specialisation } from '../../agent/fleets/config';
import { Fleet, type FleetOutcome } from '../../agent/fleets/fleet';
import { FIXTURE_WS } from './support/fixture-catalog';
import { until as untilValue } from './support/until';
const until = <T>(what: string, probe: () => T | undefined | false, ms = 10_000) => untilValue(what, probe, ms, 10);



/** A thread fleet of one codelet per worker, no retries: each test states only what it is about. */
function threadFleet(o: { id: string; specialisation: Specialisation; minWorkers: number; maxWorkers: number; idleMs?: number; memoryLimitMb?: number }): Fleet {
  return new Fleet(
    {
      id: o.id, specialisation: o.specialisation, runtime: 'threads', costPerSecond: 0,
      capacity: { concurrencyPerWorker: 1, ...(o.memoryLimitMb ? { memoryLimitMb: o.memoryLimitMb } : {}) },
      scaling: { minWorkers: o.minWorkers, maxWorkers: o.maxWorkers, scaleUpQueueWaitMs: 0, idleMs: o.idleMs ?? 60_000 },
      retries: { attempts: 1, backoffMs: 0 },
    },
    FIXTURE_WS,
  );
}

describe('fleet', () => {
  const state = mkdtempSync(path.join(os.tmpdir(), 'codelets-fleet-'));
  const bundles = new BundleCache(FIXTURE_WS, state);
  after(() => rmSync(state, { recursive: true, force: true }));

  it('scales up while work waits, down to its minimum when idle, and reports its load', async () => {
    const fleet = threadFleet({ id: 't', specialisation: 'io', minWorkers: 0, maxWorkers: 2, idleMs: 300 });
    try {
      assert.equal(fleet.status().workers, 0);
      const bundle = await bundles.bundleFor('src/math.ts');
      const run = (i: number): Promise<FleetOutcome> =>
        fleet.submit({ id: `w${i}`, codelet: 'src/math.ts#wait', bundle, exportPath: ['wait'], args: [500, `v${i}`] });
      const pending = [0, 1, 2, 3].map(run);
      const busy = fleet.status();
      assert.ok(busy.queueDepth > 0, 'work queued while no worker is ready');
      await until('two workers', () => fleet.status().workers === 2);
      const outcomes = await Promise.all(pending);
      assert.deepEqual(outcomes.map((o) => (o.kind === 'done' && o.message.ok ? o.message.value : o.kind)), ['v0', 'v1', 'v2', 'v3']);
      assert.equal(new Set(outcomes.map((o) => o.worker)).size, 2, 'spread over both workers');
      const done = fleet.status();
      assert.equal(done.completed, 4);
      assert.equal(done.queueDepth, 0);
      assert.equal(done.running, 0);
      assert.equal(done.maxCapacity, 2);
      assert.ok(done.meanQueueWaitMs > 0);
      await until('scale-down to zero', () => fleet.status().workers === 0, 5000);
    } finally {
      await fleet.close();
    }
  });

  it('reports an invocation lost when its thread exceeds the heap limit, and replaces the thread', async () => {
    const fleet = threadFleet({ id: 'm', specialisation: 'memory', minWorkers: 1, maxWorkers: 1, memoryLimitMb: 32 });
    try {
      await fleet.ready();
      const bundle = await bundles.bundleFor('src/effects.ts');
      const lost = await fleet.submit({ id: 'big', codelet: 'src/effects.ts#hog', bundle, exportPath: ['hog'], args: [400] });
      assert.equal(lost.kind, 'lost');
      assert.match((lost as { reason: string }).reason, /worker ran out of memory \(heap limit 32 MB\)/);
      await until('a replacement thread', () => fleet.status().workers === 1 && fleet.status().replacedWorkers === 1);
      const small = await fleet.submit({ id: 'small', codelet: 'src/effects.ts#hog', bundle, exportPath: ['hog'], args: [2] });
      assert.ok(small.kind === 'done' && small.message.ok && small.message.value === 2);
      assert.notEqual(small.worker, lost.worker);
    } finally {
      await fleet.close();
    }
  });

  it('sends short invocations ahead to busy workers, which still run one at a time and each exactly once', async () => {
    const fleet = threadFleet({ id: 'ahead', specialisation: 'general', minWorkers: 2, maxWorkers: 2 });
    try {
      await fleet.ready();
      const bundle = await bundles.bundleFor('src/math.ts');
      // Short runs make the fleet send ahead.
      for (let i = 0; i < 20; i++) await fleet.submit({ id: `warm${i}`, codelet: 'src/math.ts#add', bundle, exportPath: ['add'], args: [i, 1] });
      // Async invocations (a timer each) would overlap in a worker if it took a held one before its slot freed.
      const pending = Array.from({ length: 200 }, (_, i) =>
        i % 5 === 0
          ? fleet.submit({ id: `a${i}`, codelet: 'src/math.ts#wait', bundle, exportPath: ['wait'], args: [0, `v${i}`] })
          : fleet.submit({ id: `a${i}`, codelet: 'src/math.ts#add', bundle, exportPath: ['add'], args: [i, 1] }),
      );
      const status = fleet.status();
      assert.ok(status.running > status.capacity, `sent ahead: ${status.running} running on ${status.capacity} slots`);
      const outcomes = await Promise.all(pending);
      outcomes.forEach((o, i) => {
        assert.ok(o.kind === 'done' && o.message.ok, `a${i}: ${o.kind}`);
        assert.equal(o.message.value, i % 5 === 0 ? `v${i}` : i + 1);
        assert.equal(o.message.m.overlapped, false, `a${i} overlapped another invocation in its worker`);
      });
      assert.equal(fleet.status().completed, 220);
    } finally {
      await fleet.close();
    }
  });

  it('returns an invocation held behind one that kills its worker as lost, never run', async () => {
    const fleet = threadFleet({ id: 'held', specialisation: 'general', minWorkers: 1, maxWorkers: 1, memoryLimitMb: 32 });
    try {
      await fleet.ready();
      const math = await bundles.bundleFor('src/math.ts');
      const effects = await bundles.bundleFor('src/effects.ts');
      for (let i = 0; i < 20; i++) await fleet.submit({ id: `warm${i}`, codelet: 'src/math.ts#add', bundle: math, exportPath: ['add'], args: [i, 1] });
      const big = fleet.submit({ id: 'big', codelet: 'src/effects.ts#hog', bundle: effects, exportPath: ['hog'], args: [400] });
      const held = fleet.submit({ id: 'held', codelet: 'src/math.ts#add', bundle: math, exportPath: ['add'], args: [1, 2] });
      assert.equal(fleet.status().queueDepth, 0, 'the short one was sent ahead to the busy worker');
      const [bigOutcome, heldOutcome] = await Promise.all([big, held]);
      assert.equal(bigOutcome.kind, 'lost');
      assert.equal(heldOutcome.kind, 'lost', 'held behind the dying invocation: lost, for the orchestrator to retry');
      assert.match((heldOutcome as { reason: string }).reason, /worker ran out of memory/);
      await until('a replacement thread', () => fleet.status().workers === 1 && fleet.status().replacedWorkers === 1);
      const again = await fleet.submit({ id: 'again', codelet: 'src/math.ts#add', bundle: math, exportPath: ['add'], args: [1, 2] });
      assert.ok(again.kind === 'done' && again.message.ok && again.message.value === 3);
    } finally {
      await fleet.close();
    }
  });

  it('drops a cancelled invocation and never reports it', async () => {
    const fleet = threadFleet({ id: 'c', specialisation: 'cpu', minWorkers: 1, maxWorkers: 1 });
    try {
      await fleet.ready();
      const bundle = await bundles.bundleFor('src/math.ts');
      const busy = fleet.submit({ id: 'busy', codelet: 'src/math.ts#burn', bundle, exportPath: ['burn'], args: [60_000] });
      await until('running', () => fleet.status().running === 1);
      fleet.cancel('busy');
      assert.equal((await busy).kind, 'cancelled');
      // Its worker was stopped (a busy loop cannot be interrupted) and replaced to the minimum.
      await until('a fresh worker', () => fleet.status().workers === 1 && fleet.status().running === 0);
      const next = await fleet.submit({ id: 'next', codelet: 'src/math.ts#add', bundle, exportPath: ['add'], args: [1, 2] });
      assert.ok(next.kind === 'done' && next.message.ok && next.message.value === 3);
    } finally {
      await fleet.close();
    }
  });
});
