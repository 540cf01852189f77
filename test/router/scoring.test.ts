import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scoreFleets, type CodeletDemand, type FleetView } from '../../agent/router/scoring';
import type { Prediction } from '../../agent/router/models';

const cpuCodelet: CodeletDemand = { id: 'a.ts#hash', class: 'cpu-bound', profile: { cpu: 0.9, memory: 0.1, io: 0, gpu: 0 }, estimatedMs: 20 };
const measured = (ms: Record<string, number>) => (fleet: string): Prediction =>
  fleet in ms ? { ms: ms[fleet]!, basis: 'history', runs: 10, spreadMs: 1 } : { ms: NaN, basis: 'none', runs: 0, spreadMs: 0 };
const prior = (fleet: string): Prediction => ({ ms: 20, basis: 'prior', runs: 0, spreadMs: 0 });

test('a GPU codelet never goes to a fleet without a GPU; with none, no fleet is chosen and the decision says why', () => {
  const gpuCodelet: CodeletDemand = { id: 'a.ts#train', class: 'gpu', profile: { cpu: 0.2, memory: 0.2, io: 0, gpu: 0.9 } };
  const fleets: FleetView[] = [{ id: 'cpu', specialisation: 'cpu' }, { id: 'gpu', specialisation: 'gpu', queueWaitMs: 500 }];
  const d = scoreFleets(gpuCodelet, fleets, measured({ cpu: 1, gpu: 100 }));
  assert.equal(d.fleet, 'gpu');
  assert.equal(d.candidates.find((c) => c.fleet === 'cpu')!.ineligible, 'needs a GPU, fleet has none');
  assert.match(d.reason, /not eligible: cpu \(needs a GPU, fleet has none\)/);
  const none = scoreFleets(gpuCodelet, [fleets[0]!], measured({ cpu: 1 }));
  assert.equal(none.fleet, null);
  assert.equal(none.reason, 'no fleet can run this codelet');
});

test('a codelet needing more memory than a fleet\'s workers have is never placed there, however fast', () => {
  const d = scoreFleets({ ...cpuCodelet, memoryMb: 3000 }, [
    { id: 'small', specialisation: 'cpu', memoryLimitMb: 1024 },
    { id: 'big', specialisation: 'memory', memoryLimitMb: 8192 },
  ], measured({ small: 1, big: 50 }));
  assert.equal(d.fleet, 'big');
  assert.equal(d.candidates.find((c) => c.fleet === 'small')!.score, Infinity);
});

test('expected finish adds queue wait and input transfer: a busy or distant fast fleet can lose', () => {
  const fleets: FleetView[] = [
    { id: 'fast', specialisation: 'cpu', queueWaitMs: 40, transferMsPerMb: 2 },
    { id: 'slow', specialisation: 'cpu', transferMsPerMb: 2 },
  ];
  const demand = { ...cpuCodelet, inputMb: 10, inputsOn: 'slow' };
  const d = scoreFleets(demand, fleets, measured({ fast: 10, slow: 30 }));
  const fast = d.candidates.find((c) => c.fleet === 'fast')!;
  assert.deepEqual([fast.queueWaitMs, fast.expectedMs, fast.transferMs, fast.finishMs], [40, 10, 20, 70]);
  assert.equal(d.candidates.find((c) => c.fleet === 'slow')!.finishMs, 30);
  assert.equal(d.fleet, 'slow');
  const idle = fleets.map((f) => ({ ...f, queueWaitMs: 0 }));
  assert.equal(scoreFleets(demand, idle, measured({ fast: 10, slow: 30 })).fleet, 'fast', 'no wait: 10 + 20 < 30');
  assert.equal(scoreFleets(demand, idle.map((f) => ({ ...f, transferMsPerMb: 3 })), measured({ fast: 10, slow: 30 })).fleet, 'slow', 'costly transfer: 10 + 30 > 30');
  assert.equal(scoreFleets({ ...demand, inputsOn: 'fast' }, idle.map((f) => ({ ...f, transferMsPerMb: 3 })), measured({ fast: 10, slow: 30 })).fleet, 'fast', 'inputs already there');
});

test('"cheapest within X % of fastest" picks the cheapest fleet close enough to the fastest', () => {
  const fleets: FleetView[] = [
    { id: 'premium', specialisation: 'cpu', costPerSecond: 1 },
    { id: 'standard', specialisation: 'cpu', costPerSecond: 0.1 },
    { id: 'spot', specialisation: 'cpu', costPerSecond: 0.01 },
  ];
  const times = measured({ premium: 10, standard: 11.5, spot: 20 });
  const pick = (within: number) => scoreFleets(cpuCodelet, fleets, times, { cheapestWithin: within });
  assert.equal(pick(0.2).fleet, 'standard');
  assert.match(pick(0.2).reason, /cheapest .* of 2 fleet\(s\) finishing within 20 % of the fastest \(10 ms\)/);
  assert.equal(pick(0).fleet, 'premium');
  assert.equal(pick(1).fleet, 'spot');
  assert.equal(pick(0.2).mode, 'cheapest-within');
  // The cost of a candidate is cost per second × expected time.
  assert.equal(pick(0.2).candidates.find((c) => c.fleet === 'premium')!.cost, 0.01);
});

test('before any measurement, the profile decides between equally estimated fleets; measurements then win', () => {
  const fleets: FleetView[] = [{ id: 'io', specialisation: 'io' }, { id: 'general', specialisation: 'general' }, { id: 'cpu', specialisation: 'cpu' }];
  const d = scoreFleets(cpuCodelet, fleets, prior);
  assert.equal(d.fleet, 'cpu');
  assert.deepEqual(d.candidates.map((c) => c.fleet), ['cpu', 'general', 'io']);
  assert.ok(d.candidates[0]!.match > d.candidates[1]!.match && d.candidates[1]!.match > d.candidates[2]!.match);
  assert.equal(scoreFleets(cpuCodelet, fleets, measured({ io: 8, general: 12, cpu: 12 })).fleet, 'io');
});

test('weights are settings: with cost weighted heavily, the cheap fleet wins', () => {
  const fleets: FleetView[] = [{ id: 'fast', specialisation: 'cpu', costPerSecond: 1 }, { id: 'cheap', specialisation: 'cpu', costPerSecond: 0.05 }];
  const times = measured({ fast: 10, cheap: 15 });
  assert.equal(scoreFleets(cpuCodelet, fleets, times).fleet, 'fast');
  const d = scoreFleets(cpuCodelet, fleets, times, { weights: { time: 1, cost: 1, match: 0 } });
  assert.equal(d.fleet, 'cheap');
  for (const c of d.candidates) assert.ok(Math.abs(c.score - (c.components.time + c.components.cost + c.components.match)) < 1e-12);
});
