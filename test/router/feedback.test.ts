// A deterministic simulation of the feedback loop: fleets with known (hidden) speeds, the adaptive placer
// choosing, measurements fed back. Learned placement must find the best fleet, leave it within a few dozen
// invocations when it becomes 5× slower, and come back when it recovers, explaining every decision.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AdaptivePlacer, type PlacementDecision } from '../../agent/router/adaptive';
import type { CodeletDemand, FleetView } from '../../agent/router/scoring';
import { ModelStore } from '../../agent/router/models';
import { seededRandom } from '../../agent/router/random';

const codelet: CodeletDemand = {
  id: 'src/report.ts#hashAll',
  class: 'cpu-bound',
  profile: { cpu: 0.9, memory: 0.3, io: 0.05, gpu: 0 },
  estimatedMs: 20,
  memoryMb: 1024,
};

const fleets: FleetView[] = [
  { id: 'general', specialisation: 'general', memoryLimitMb: 2048 },
  { id: 'cpu-b', specialisation: 'cpu', memoryLimitMb: 2048 },
  { id: 'cpu-a', specialisation: 'cpu', memoryLimitMb: 2048 },
  // The fastest on paper, but its workers cannot hold the codelet's memory: it must never be chosen.
  { id: 'small', specialisation: 'cpu', memoryLimitMb: 512 },
];

/** Hidden truth: time per fleet, ±10 % noise, optional slowdown of cpu-a and single spikes. */
function simulate(phases: { until: number; slowA: number }[], spikes: Set<number>) {
  const base: Record<string, number> = { general: 30, 'cpu-b': 16, 'cpu-a': 10, small: 2 };
  const random = seededRandom(42);
  const placer = new AdaptivePlacer({ seed: 7 });
  const decisions: PlacementDecision[] = [];
  let i = 0;
  for (const phase of phases) {
    for (; i < phase.until; i++) {
      const d = placer.choose(codelet, fleets, i);
      decisions.push(d);
      assert.ok(d.fleet, `decision ${i}: no fleet`);
      let ms = base[d.fleet]! * (0.9 + 0.2 * random());
      if (d.fleet === 'cpu-a') ms *= phase.slowA;
      if (spikes.has(i) && d.fleet === 'cpu-a') ms *= 20;
      placer.observe({ codelet: codelet.id, fleet: d.fleet, ms, at: i });
    }
  }
  return { placer, decisions };
}

const shareOn = (ds: PlacementDecision[], fleet: string) => ds.filter((d) => d.fleet === fleet).length / ds.length;

/** First invocation from `from` on after which a window of 20 places at most 3 on `fleet`. */
function movedAway(ds: PlacementDecision[], fleet: string, from: number): number {
  for (let k = from; k + 20 <= ds.length; k++) if (ds.slice(k, k + 20).filter((d) => d.fleet === fleet).length <= 3) return k - from;
  return Infinity;
}

test('learned placement converges to the best fleet, leaves it after a 5× slowdown and returns after recovery', () => {
  const { placer, decisions } = simulate(
    [{ until: 150, slowA: 1 }, { until: 300, slowA: 5 }, { until: 500, slowA: 1 }],
    new Set([80, 81 + 0]),
  );
  // Converged: most of the later traffic on cpu-a, the fastest eligible fleet.
  assert.ok(shareOn(decisions.slice(50, 150), 'cpu-a') >= 0.85, `share on cpu-a ${shareOn(decisions.slice(50, 150), 'cpu-a')}`);
  // A single slow spike (invocation 80) does not drive traffic away.
  assert.ok(shareOn(decisions.slice(82, 102), 'cpu-a') >= 0.8);
  // 5× slowdown from 150: traffic moves away within a few dozen invocations, to cpu-b.
  const away = movedAway(decisions, 'cpu-a', 150);
  assert.ok(away <= 36, `moved away after ${away} invocations`);
  assert.ok(shareOn(decisions.slice(200, 300), 'cpu-b') >= 0.8);
  // Recovery from 300: traffic comes back.
  assert.ok(shareOn(decisions.slice(420, 500), 'cpu-a') >= 0.85, `share on cpu-a after recovery ${shareOn(decisions.slice(420, 500), 'cpu-a')}`);
  // Exploration stays a bounded share.
  const { explorations } = placer.stats(codelet.id);
  assert.ok(explorations <= 0.1 * 500 + 3, `${explorations} explorations`);
  assert.equal(decisions.filter((d) => d.explored).length, explorations);
});

test('every decision is explained, and an ineligible fleet is never chosen, not even to explore', () => {
  const { decisions } = simulate([{ until: 200, slowA: 1 }], new Set());
  for (const d of decisions) {
    assert.notEqual(d.fleet, 'small');
    assert.ok(d.reason.length > 20, d.reason);
    assert.equal(d.candidates.length, 4);
    assert.equal(d.candidates[0]!.fleet, d.fleet, 'the chosen fleet comes first');
    for (const c of d.candidates) {
      if (c.fleet === 'small') {
        assert.equal(c.eligible, false);
        assert.match(c.ineligible!, /needs 1024 MB, workers have 512 MB/);
        assert.equal(c.score, Infinity);
        continue;
      }
      assert.ok(c.eligible);
      assert.ok(Number.isFinite(c.expectedMs) && Number.isFinite(c.finishMs) && Number.isFinite(c.score));
      assert.ok(Math.abs(c.components.time + c.components.cost + c.components.match - c.score) < 1e-9);
      assert.ok(['prior', 'history', 'regression'].includes(c.basis));
    }
    if (d.explored) assert.match(d.reason, /^(warm-up|exploring)/);
  }
  // Early decisions rest on the static estimate; later ones on measurements.
  assert.equal(decisions[0]!.candidates.find((c) => c.fleet === 'cpu-a')!.basis, 'prior');
  assert.equal(decisions[199]!.candidates.find((c) => c.fleet === 'cpu-a')!.basis, 'history');
});

test('the same seed replays the same decisions, and persisted models carry the learning over', () => {
  const a = simulate([{ until: 120, slowA: 1 }], new Set());
  const b = simulate([{ until: 120, slowA: 1 }], new Set());
  assert.deepEqual(a.decisions.map((d) => d.fleet), b.decisions.map((d) => d.fleet));
  const restored = new AdaptivePlacer({ seed: 99 }, ModelStore.fromJSON(JSON.parse(JSON.stringify(a.placer.models.toJSON()))));
  const next = restored.choose(codelet, fleets, 1000);
  assert.equal(next.best, 'cpu-a');
  assert.equal(next.candidates.find((c) => c.fleet === 'cpu-a')!.basis, 'history');
});
