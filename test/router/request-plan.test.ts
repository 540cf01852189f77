// A request's plan behind the agent's Placement interface, without workers: exploration still gets its
// bounded share of steps and overrides the plan, saying so; a failed step is placed again; a codelet no
// fleet can run is refused as for a single invocation; plans are made only where there is a choice.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AdaptivePlacer, LearnedPlacement } from '../../agent/router/adaptive';
import type { PlanStepDemand } from '../../agent/router/placement';
import type { Codelet } from '../../server/analysis/metadata';

const range = { start: { line: 0, character: 0 }, end: { line: 3, character: 1 } };
const codelet = (name: string, cls: Codelet['class'] = 'cpu-bound'): Codelet => ({
  id: `src/x.ts#${name}`, name, kind: 'function', file: 'src/x.ts', range, selectionRange: range,
  exported: true, async: false, invoke: { module: 'src/x.ts', exportPath: [name] },
  profile: { cpu: 0.9, memory: 0.1, io: 0, gpu: 0 }, class: cls, confidence: 0.8, reasons: [],
  dependencies: [], state: { reads: [], writes: [] }, estimatedMs: 12, estimateBasis: 'loop', parallelGroups: [],
  plan: { decomposable: false, reasons: [], params: [], steps: [], result: null }, advice: [],
});
const fleets = (['a', 'b'] as const).map((id) => ({ id, specialisation: 'cpu' as const, expectedStartMs: () => 0 }));
const W = codelet('work');
/** A chain of `n` steps, each consuming the previous one's result. */
const chain = (n: number, c = W): PlanStepDemand[] => Array.from({ length: n }, (_, i) => ({ id: `s${i + 1}`, needs: i ? [`s${i}`] : [], codelet: c }));

function learned(exploration: number): LearnedPlacement {
  const placement = new LearnedPlacement(new AdaptivePlacer({ exploration, warmupRuns: 1, seed: 5 }), () => ({ slots: 1 }));
  // `a` runs it in 10 ms, `b` in 30 ms.
  for (let i = 0; i < 10; i++) {
    placement.observe({ codelet: W.id, fleet: 'a', ms: 10 });
    placement.observe({ codelet: W.id, fleet: 'b', ms: 30 });
  }
  return placement;
}

test('exploration keeps its bounded share of steps, overriding the plan and recording it', () => {
  const placement = learned(0.2);
  let explored = 0;
  let steps = 0;
  for (let r = 0; r < 20; r++) {
    const plan = placement.planRequest(chain(5), fleets)!;
    assert.ok(plan, 'a plan for five steps over two fleets');
    for (let i = 1; i <= 5; i++) {
      const d = plan.place(`s${i}`, W, fleets);
      const e = d.explanation!;
      steps++;
      assert.equal(e.plan!.fleet, 'a', 'the plan keeps the chain on the fast fleet');
      if (e.explored) {
        explored++;
        assert.equal(e.plan!.followed, 'explore');
        assert.equal(d.fleet, 'b');
        assert.match(d.reason, /exploring b .*overrides the plan \(a\)/);
      } else {
        assert.equal(e.plan!.followed, 'plan');
        assert.equal(d.fleet, 'a');
      }
      plan.started(`s${i}`, d.fleet);
      plan.finished(`s${i}`, true);
    }
  }
  assert.ok(explored > 0, 'some steps explored');
  assert.ok(explored <= 0.2 * steps + 1, `${explored} of ${steps} explored: within the share`);
});

test('a failed step is placed again from the plan; plans only where there is a choice', () => {
  const placement = learned(0);
  const plan = placement.planRequest(chain(3), fleets)!;
  const first = plan.place('s1', W, fleets);
  plan.started('s1', first.fleet);
  plan.finished('s1', false);
  const again = plan.place('s1', W, fleets);
  assert.equal(again.fleet, 'a');
  assert.equal(again.explanation!.plan!.followed, 'plan');
  assert.equal(placement.planRequest(chain(1), fleets), undefined, 'one step: placed on its own');
  assert.equal(placement.planRequest(chain(3), fleets.slice(0, 1)), undefined, 'one fleet: nothing to choose');
  const off = new LearnedPlacement(new AdaptivePlacer({ plan: { algorithm: 'off' } }));
  assert.equal(off.planRequest(chain(3), fleets), undefined, 'plans off');
});

test('a step no fleet can run: the plan says why, and its placement is refused as for one invocation', () => {
  const placement = learned(0);
  const gpu = codelet('render', 'gpu');
  const plan = placement.planRequest([...chain(2), { id: 's3', needs: ['s2'], codelet: gpu }], fleets)!;
  assert.deepEqual(plan.current().unplaceable.map((u) => u.step), ['s3']);
  // Steps that can run still get a fleet (from the scores: there is no plan).
  const d = plan.place('s1', W, fleets);
  assert.equal(d.explanation!.plan, undefined);
  assert.match(d.reason, /no plan \(s3: a: needs a GPU/);
  assert.throws(() => plan.place('s3', gpu, fleets), /no fleet can run src\/x\.ts#render/);
});

test('a step that ends off its plan by less than its codelet\'s usual scatter does not re-plan the rest', () => {
  const placementWith = (runs: number[]): LearnedPlacement => {
    const placement = new LearnedPlacement(new AdaptivePlacer({ exploration: 0, warmupRuns: 0, seed: 5 }), () => ({ slots: 1 }));
    for (const ms of runs) {
      placement.observe({ codelet: W.id, fleet: 'a', ms });
      placement.observe({ codelet: W.id, fleet: 'b', ms: 3 * ms });
    }
    return placement;
  };
  // Each first step ends at once: its whole expected time early, far beyond a quarter of it.
  const replansAfterAnEarlyFirstStep = (placement: LearnedPlacement): number => {
    const plan = placement.planRequest(chain(2), fleets)!;
    const first = plan.place('s1', W, fleets);
    plan.started('s1', first.fleet);
    plan.finished('s1', true);
    return plan.place('s2', W, fleets).explanation!.plan!.replans;
  };
  // Runs that scatter between ~4 and ~19 ms: ending 4 ms early is well within twice their spread (~22 ms).
  assert.equal(replansAfterAnEarlyFirstStep(placementWith([3, 20, 4, 19, 5, 18, 6, 17, 4, 19])), 0);
  // Runs that all take 10 ms: the same is a surprise worth re-planning for.
  assert.equal(replansAfterAnEarlyFirstStep(placementWith([10, 10, 10, 10, 10, 10, 10, 10, 10, 10])), 1);
});
