// One fleet with real worker threads: scaling up on queue wait, down after idle time, status figures.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { BundleCache } from '../../agent/bundles';
import type { Specialisation } from '../../agent/fleets/config';
import { Fleet, type FleetOutcome } from '../../agent/fleets/fleet';
import { deserialise, serialise } from '../../agent/fleets/serialise';
import { FIXTURE_WS } from './support/fixture-catalog';
import { until as untilValue } from './support/until';
const until = <T>(what: string, probe: () => T | undefined | false, ms = 10_000) => untilValue(what, probe, ms, 10);
/** Arguments as the orchestrator sends them: each serialised. */
const pack = (...args: unknown[]): Uint8Array[] => args.map((a) => serialise(a, 'a test argument'));
/** The returned value, or the outcome's kind. */
const valueOf = (o: FleetOutcome): unknown => (o.kind === 'done' && o.message.ok ? deserialise(o.message.result) : o.kind);



/** A thread fleet of one codelet per worker, no retries: each test states only what it is about. */
function threadFleet(o: { id: string; specialisation: Specialisation; minWorkers: number; maxWorkers: number; idleMs?: number; memoryLimitMb?: number; scaleUpQueueWaitMs?: number; concurrency?: number }): Fleet {
  return new Fleet(
    {
      id: o.id, specialisation: o.specialisation, runtime: 'threads', costPerSecond: 0,
      capacity: { concurrencyPerWorker: o.concurrency ?? 1, ...(o.memoryLimitMb ? { memoryLimitMb: o.memoryLimitMb } : {}) },
      scaling: { minWorkers: o.minWorkers, maxWorkers: o.maxWorkers, scaleUpQueueWaitMs: o.scaleUpQueueWaitMs ?? 0, idleMs: o.idleMs ?? 60_000 },
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
        fleet.submit({ id: `w${i}`, codelet: 'src/math.ts#wait', bundle, exportPath: ['wait'], args: pack(500, `v${i}`) });
      const pending = [0, 1, 2, 3].map(run);
      const busy = fleet.status();
      assert.ok(busy.queueDepth > 0, 'work queued while no worker is ready');
      await until('two workers', () => fleet.status().workers === 2);
      const outcomes = await Promise.all(pending);
      assert.deepEqual(outcomes.map(valueOf), ['v0', 'v1', 'v2', 'v3']);
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

  it('scales up as soon as the expected wait of its queue passes the threshold, then down to its minimum when idle', async () => {
    // Each task says it will take 600 ms (the placement's expected time); it really takes 20 ms. With one
    // worker busy, the k-th queued task is expected to wait 600·k ms: past 2500 ms at the fifth queued one,
    // long before anyone has waited 2.5 s.
    const fleet = threadFleet({ id: 'expect', specialisation: 'cpu', minWorkers: 1, maxWorkers: 2, idleMs: 300, scaleUpQueueWaitMs: 2500 });
    try {
      await fleet.ready();
      const bundle = await bundles.bundleFor('src/math.ts');
      const run = (i: number): Promise<FleetOutcome> =>
        fleet.submit({ id: `e${i}`, codelet: 'src/math.ts#wait', bundle, exportPath: ['wait'], args: pack(20, `v${i}`), expectedMs: 600 });
      const pending = [0, 1, 2, 3, 4].map(run);
      const before = fleet.status();
      assert.equal(before.workers, 1, 'four queued tasks are expected to wait 2400 ms at most: below the threshold');
      assert.equal(before.queueDepth, 4);
      assert.ok(before.expectedWorkMs > 2900 && before.expectedWorkMs <= 3000, `expected work ${before.expectedWorkMs}`);
      assert.ok(before.expectedWaitMs > 2900 && before.expectedWaitMs <= 3000, `a new task would start after the 5 ahead: ${before.expectedWaitMs}`);
      pending.push(run(5));
      const after = fleet.status();
      assert.equal(after.workers, 2, 'the fifth queued task is expected to wait 3000 ms: a second worker starts now');
      assert.ok(after.queueWaitMs < 2500, `nobody has waited the threshold yet (${after.queueWaitMs} ms)`);
      const outcomes = await Promise.all(pending);
      assert.deepEqual(outcomes.map(valueOf), ['v0', 'v1', 'v2', 'v3', 'v4', 'v5']);
      const idle = fleet.status();
      assert.equal(idle.expectedWorkMs, 0);
      assert.equal(idle.expectedWaitMs, 0);
      await until('scale-down to the minimum', () => fleet.status().workers === 1, 5000);
    } finally {
      await fleet.close();
    }
  });

  it('expects a deep queue to drain over its slots, and says so in its status', async () => {
    const fleet = threadFleet({ id: 'deep', specialisation: 'cpu', minWorkers: 1, maxWorkers: 1 });
    try {
      await fleet.ready();
      const bundle = await bundles.bundleFor('src/math.ts');
      // 200 queued tasks of 10 ms each behind one of 10 ms, on one slot: a new one would start after ~2 s.
      const pending = Array.from({ length: 201 }, (_, i) => fleet.submit({ id: `d${i}`, codelet: 'src/math.ts#wait', bundle, exportPath: ['wait'], args: pack(0, `v${i}`), expectedMs: 10 }));
      const s = fleet.status();
      assert.equal(s.queueDepth, 200);
      assert.ok(s.expectedWorkMs > 2000 && s.expectedWorkMs <= 2010, `expected work ${s.expectedWorkMs}`);
      assert.ok(s.expectedWaitMs > 2000 && s.expectedWaitMs <= 2010, `expected wait ${s.expectedWaitMs}`);
      assert.ok(Math.abs(fleet.expectedStartMs() - s.expectedWaitMs) < 20, 'placement sees the same expected start');
      const outcomes = await Promise.all(pending);
      assert.ok(outcomes.every((o) => o.kind === 'done' && o.message.ok));
    } finally {
      await fleet.close();
    }
  });

  it('a worker never blocks waiting for work while one of its invocations is still running', async () => {
    // A codelet leaves a timer that keeps the worker's thread busy for a while. An invocation that arrives
    // meanwhile comes in through the event loop rather than the worker's idle wait; once that wait resumed
    // with the invocation still running, every await of it (and of the invocations after it) sat out a
    // whole idle wait, measured as busy time.
    const fleet = threadFleet({ id: 'waits', specialisation: 'general', minWorkers: 1, maxWorkers: 1, concurrency: 4 });
    try {
      await fleet.ready();
      const math = await bundles.bundleFor('src/math.ts');
      const effects = await bundles.bundleFor('src/effects.ts');
      const left = await fleet.submit({ id: 'linger', codelet: 'src/effects.ts#leaveBusyTimer', bundle: effects, exportPath: ['leaveBusyTimer'], args: pack(0, 400) });
      assert.equal(valueOf(left), 400);
      // The timer runs at the worker's next turn of its event loop (within one idle wait); arrive mid-way.
      await new Promise((r) => setTimeout(r, 200));
      for (let i = 0; i < 6; i++) {
        const o = await fleet.submit({ id: `t${i}`, codelet: 'src/math.ts#wait', bundle: math, exportPath: ['wait'], args: pack(20, `v${i}`) });
        assert.equal(valueOf(o), `v${i}`);
        if (o.kind !== 'done') continue;
        const { start, end, idleMs } = o.message.m;
        // Queued behind the busy timer, the first one may start late, but once started it only waits.
        assert.ok(idleMs >= (end - start) / 2, `t${i}: a 20 ms timer wait measured as ${idleMs.toFixed(1)} ms waiting of ${(end - start).toFixed(1)} ms`);
      }
    } finally {
      await fleet.close();
    }
  });

  it('without expected times, scales up only once the oldest queued task has waited the threshold', async () => {
    const fleet = threadFleet({ id: 'plain', specialisation: 'cpu', minWorkers: 1, maxWorkers: 2, scaleUpQueueWaitMs: 400 });
    try {
      await fleet.ready();
      const bundle = await bundles.bundleFor('src/math.ts');
      const submitted = performance.now();
      const pending = [0, 1, 2, 3, 4, 5].map((i) => fleet.submit({ id: `p${i}`, codelet: 'src/math.ts#wait', bundle, exportPath: ['wait'], args: pack(300, `v${i}`) }));
      assert.equal(fleet.status().workers, 1, 'no expected times: nothing is certain about the wait yet');
      await until('a second worker', () => fleet.status().workers === 2);
      assert.ok(performance.now() - submitted >= 399, 'not before the oldest queued task had waited 400 ms');
      const outcomes = await Promise.all(pending);
      assert.ok(outcomes.every((o) => o.kind === 'done' && o.message.ok));
    } finally {
      await fleet.close();
    }
  });

  it('measures a waiting invocation as waiting even when a busy one shares its worker', async () => {
    // An io worker runs many invocations at once; the thread's CPU time is not each one's. The busy one's
    // synchronous work is its own; the waiters only share what ran between their starts and ends otherwise.
    const fleet = threadFleet({ id: 'io', specialisation: 'io', minWorkers: 1, maxWorkers: 1, concurrency: 16 });
    try {
      const bundle = await bundles.bundleFor('src/math.ts');
      await fleet.ready();
      const waits = Array.from({ length: 8 }, (_, i) => fleet.submit({ id: `wait${i}`, codelet: 'src/math.ts#wait', bundle, exportPath: ['wait'], args: pack(400, `v${i}`) }));
      const busy = fleet.submit({ id: 'busy', codelet: 'src/math.ts#burn', bundle, exportPath: ['burn'], args: pack(300) });
      const done = (o: FleetOutcome) => {
        assert.equal(o.kind, 'done');
        return (o as Extract<FleetOutcome, { kind: 'done' }>).message.m;
      };
      const b = done(await busy);
      const w = (await Promise.all(waits)).map(done);
      for (const m of [b, ...w]) assert.equal(m.overlapped, true);
      const maxWaitCpu = Math.max(...w.map((m) => m.cpuMs));
      assert.ok(b.cpuMs > 5 * maxWaitCpu, `busy ${b.cpuMs.toFixed(1)} ms of CPU, waiters up to ${maxWaitCpu.toFixed(1)} ms`);
      for (const m of w) {
        const wall = m.end - m.start;
        assert.ok(m.cpuMs < 0.5 * wall && m.idleMs > 0.5 * wall, `a waiter: ${m.cpuMs.toFixed(1)} ms CPU, ${m.idleMs.toFixed(1)} ms waiting of ${wall.toFixed(1)} ms`);
      }
    } finally {
      await fleet.close();
    }
  });

  it('reports an invocation lost when its thread exceeds the heap limit, and replaces the thread', async () => {
    const fleet = threadFleet({ id: 'm', specialisation: 'memory', minWorkers: 1, maxWorkers: 1, memoryLimitMb: 32 });
    try {
      await fleet.ready();
      const bundle = await bundles.bundleFor('src/effects.ts');
      const lost = await fleet.submit({ id: 'big', codelet: 'src/effects.ts#hog', bundle, exportPath: ['hog'], args: pack(400) });
      assert.equal(lost.kind, 'lost');
      assert.match((lost as { reason: string }).reason, /worker ran out of memory \(heap limit 32 MB\)/);
      await until('a replacement thread', () => fleet.status().workers === 1 && fleet.status().replacedWorkers === 1);
      const small = await fleet.submit({ id: 'small', codelet: 'src/effects.ts#hog', bundle, exportPath: ['hog'], args: pack(2) });
      assert.ok(valueOf(small) === 2);
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
      for (let i = 0; i < 20; i++) await fleet.submit({ id: `warm${i}`, codelet: 'src/math.ts#add', bundle, exportPath: ['add'], args: pack(i, 1) });
      // Async invocations (a timer each) would overlap in a worker if it took a held one before its slot freed.
      const pending = Array.from({ length: 200 }, (_, i) =>
        i % 5 === 0
          ? fleet.submit({ id: `a${i}`, codelet: 'src/math.ts#wait', bundle, exportPath: ['wait'], args: pack(0, `v${i}`) })
          : fleet.submit({ id: `a${i}`, codelet: 'src/math.ts#add', bundle, exportPath: ['add'], args: pack(i, 1) }),
      );
      const status = fleet.status();
      assert.ok(status.running > status.capacity, `sent ahead: ${status.running} running on ${status.capacity} slots`);
      const outcomes = await Promise.all(pending);
      outcomes.forEach((o, i) => {
        assert.ok(o.kind === 'done' && o.message.ok, `a${i}: ${o.kind}`);
        assert.equal(valueOf(o), i % 5 === 0 ? `v${i}` : i + 1);
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
      for (let i = 0; i < 20; i++) await fleet.submit({ id: `warm${i}`, codelet: 'src/math.ts#add', bundle: math, exportPath: ['add'], args: pack(i, 1) });
      const big = fleet.submit({ id: 'big', codelet: 'src/effects.ts#hog', bundle: effects, exportPath: ['hog'], args: pack(400) });
      const held = fleet.submit({ id: 'held', codelet: 'src/math.ts#add', bundle: math, exportPath: ['add'], args: pack(1, 2) });
      assert.equal(fleet.status().queueDepth, 0, 'the short one was sent ahead to the busy worker');
      const [bigOutcome, heldOutcome] = await Promise.all([big, held]);
      assert.equal(bigOutcome.kind, 'lost');
      assert.equal(heldOutcome.kind, 'lost', 'held behind the dying invocation: lost, for the orchestrator to retry');
      assert.match((heldOutcome as { reason: string }).reason, /worker ran out of memory/);
      await until('a replacement thread', () => fleet.status().workers === 1 && fleet.status().replacedWorkers === 1);
      const again = await fleet.submit({ id: 'again', codelet: 'src/math.ts#add', bundle: math, exportPath: ['add'], args: pack(1, 2) });
      assert.ok(valueOf(again) === 3);
    } finally {
      await fleet.close();
    }
  });

  it('drops a cancelled invocation and never reports it', async () => {
    const fleet = threadFleet({ id: 'c', specialisation: 'cpu', minWorkers: 1, maxWorkers: 1 });
    try {
      await fleet.ready();
      const bundle = await bundles.bundleFor('src/math.ts');
      const busy = fleet.submit({ id: 'busy', codelet: 'src/math.ts#burn', bundle, exportPath: ['burn'], args: pack(60_000) });
      await until('running', () => fleet.status().running === 1);
      fleet.cancel('busy');
      assert.equal((await busy).kind, 'cancelled');
      // Its worker was stopped (a busy loop cannot be interrupted) and replaced to the minimum.
      await until('a fresh worker', () => fleet.status().workers === 1 && fleet.status().running === 0);
      const next = await fleet.submit({ id: 'next', codelet: 'src/math.ts#add', bundle, exportPath: ['add'], args: pack(1, 2) });
      assert.ok(valueOf(next) === 3);
    } finally {
      await fleet.close();
    }
  });
});
