// The adaptive placer through the agent's own Placement interface, with the agent's fleet view shape.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LearnedPlacement } from '../../agent/router/adaptive';
import { AdaptivePlacer } from '../../agent/router/adaptive';
import type { Placement } from '../../agent/router/placement';
import type { Codelet } from '../../server/analysis/metadata';

const range = { start: { line: 0, character: 0 }, end: { line: 3, character: 1 } };
const codelet: Codelet = {
  id: 'src/hash.ts#hashAll', name: 'hashAll', kind: 'function', file: 'src/hash.ts', range, selectionRange: range,
  exported: true, async: false, invoke: { module: 'src/hash.ts', exportPath: ['hashAll'] },
  profile: { cpu: 0.9, memory: 0.1, io: 0, gpu: 0 }, class: 'cpu-bound', confidence: 0.8, reasons: [],
  dependencies: [], state: { reads: [], writes: [] }, estimatedMs: 12, estimateBasis: 'loop', parallelGroups: [],
  plan: { decomposable: false, reasons: [], params: [], steps: [], result: null }, advice: [],
};

test('behind the agent\'s Placement interface: static class first, then measurements; queue wait counts', () => {
  let now = 0;
  const placement = new LearnedPlacement(new AdaptivePlacer({ exploration: 0, warmupRuns: 0 }), (id) => (id === 'memory' ? { memoryLimitMb: 4096 } : undefined), () => now);
  const wait: Record<string, number> = { cpu: 0, io: 0, memory: 0 };
  const fleets = (['cpu', 'io', 'memory'] as const).map((id) => ({ id, specialisation: id, expectedStartMs: () => wait[id]! }));
  const asAgentSeesIt: Placement = placement;
  const first = placement.place(codelet, fleets);
  assert.equal(asAgentSeesIt.place(codelet, fleets).fleet, 'cpu');
  assert.equal(first.fleet, 'cpu');
  assert.match(first.reason, /finish 12 ms .*prior/);
  assert.equal(placement.explanations.get(codelet.id)!.candidates.length, 3);
  // Measurements say the memory fleet runs it 4× faster than cpu, and io is slower still.
  for (let i = 0; i < 5; i++) {
    placement.observe({ codelet: codelet.id, fleet: 'cpu', ms: 40 });
    placement.observe({ codelet: codelet.id, fleet: 'io', ms: 90 });
    placement.observe({ codelet: codelet.id, fleet: 'memory', ms: 10 });
    now++;
  }
  assert.equal(placement.place(codelet, fleets).fleet, 'memory');
  // A long queue on the memory fleet sends it back to cpu.
  wait.memory = 100;
  const queued = placement.place(codelet, fleets);
  assert.equal(queued.fleet, 'cpu');
  assert.equal(queued.explanation.candidates.find((c) => c.fleet === 'memory')!.queueWaitMs, 100);
});

test('a GPU codelet with no GPU fleet is refused with every fleet\'s reason', () => {
  const placement = new LearnedPlacement();
  const gpuCodelet: Codelet = { ...codelet, id: 'src/ml.ts#train', class: 'gpu', profile: { cpu: 0.1, memory: 0.2, io: 0, gpu: 0.9 } };
  assert.throws(() => placement.place(gpuCodelet, [{ id: 'cpu', specialisation: 'cpu', expectedStartMs: () => 0 }]), /no fleet can run src\/ml\.ts#train: cpu \(needs a GPU, fleet has none\)/);
});
