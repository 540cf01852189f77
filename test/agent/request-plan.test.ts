// Whole-request placement in the running agent (real HTTP, real worker threads): a decomposed request's
// steps are placed as one DAG (PEFT by default) from the learned models, each step runs where the plan
// says, and a step that overruns its expected time makes the agent re-plan the steps not yet started.
// The models are seeded with known times per fleet (the same path measurements take), and exploration is
// off, so every placement here is determined; the codelets' real times are the test's arguments.
//   `fast` (1 worker) runs every codelet in 10 ms; `spare` (1 worker) is slower for most:
//   work 15, step 25, hog 30 ms; but prep is faster there (10 vs 20 ms).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Agent } from '../../agent/agent';
import { AgentClient } from '../../agent/client';
import { FixedCatalog } from '../../agent/codelets/catalog';
import type { FleetConfig } from '../../agent/fleets/config';
import type { InvocationRecord, RunResponse } from '../../agent/protocol';
import type { AdaptiveOptions } from '../../agent/router/adaptive';
import type { ValueExpr } from '../../server/analysis/metadata';
import * as steps from '../fixtures/agent/plan-ws/src/steps';
import { codelet } from './support/fixture-catalog';
import { formatRunPlacements } from '../../extension/agent/placement-report';

const WS = path.resolve(__dirname, '../fixtures/agent/plan-ws');
const F = 'src/steps.ts';
const scaling = { minWorkers: 1, maxWorkers: 1, scaleUpQueueWaitMs: 1000, idleMs: 60_000 };
const retries = { attempts: 2, backoffMs: 10 };
const FLEETS: FleetConfig[] = [
  { id: 'fast', specialisation: 'cpu', runtime: 'threads', costPerSecond: 0, capacity: { concurrencyPerWorker: 1 }, scaling, retries },
  { id: 'spare', specialisation: 'general', runtime: 'threads', costPerSecond: 0, capacity: { concurrencyPerWorker: 1 }, scaling, retries },
];
const SPEEDS: Record<string, { fast: number; spare: number }> = {
  work: { fast: 10, spare: 15 },
  step: { fast: 10, spare: 25 },
  hog: { fast: 10, spare: 30 },
  prep: { fast: 20, spare: 10 },
};

const param = (index: number): ValueExpr => ({ kind: 'param', index });
const ref = (id: string): ValueExpr => ({ kind: 'step', step: id });
const lit = (value: unknown): ValueExpr => ({ kind: 'literal', value });
/** `[first(a), last(c, second(b))]` as a plan: s1 and s2 independent, s3 consumes s2. */
const threeSteps = (name: string, [first, a]: [string, string], [second, b]: [string, string]) =>
  codelet(F, name, {
    steps: [
      { id: 's1', callee: `${F}#${first}`, args: [param(0), lit(a)], dependsOn: [] },
      { id: 's2', callee: `${F}#${second}`, args: [param(1), lit(b)], dependsOn: [] },
      { id: 's3', callee: `${F}#step`, args: [param(2), ref('s2')], dependsOn: ['s2'] },
    ],
    result: { kind: 'array', items: [ref('s1'), ref('s3')] },
  });
const catalog = (): FixedCatalog =>
  new FixedCatalog([
    ...Object.keys(SPEEDS).map((name) => codelet(F, name, { cls: 'io-bound' })),
    threeSteps('fan', ['work', 'a'], ['work', 'b']),
    threeSteps('relay', ['hog', 'h'], ['prep', 'p']),
  ]);

async function start(adaptive: AdaptiveOptions): Promise<{ agent: Agent; client: AgentClient; state: string }> {
  const state = mkdtempSync(path.join(os.tmpdir(), 'codelets-plan-'));
  const agent = await Agent.start({ workspace: WS, stateDir: state, catalog: catalog(), fleets: FLEETS, adaptive: { exploration: 0, seed: 3, ...adaptive } });
  // What the models would have learned from earlier runs.
  for (const [name, speed] of Object.entries(SPEEDS)) {
    for (let i = 0; i < 20; i++) for (const fleet of ['fast', 'spare'] as const) agent.placement.learned!.observe({ codelet: `${F}#${name}`, fleet, ms: speed[fleet] });
  }
  return { agent, client: new AgentClient(agent.url, agent.token), state };
}

const byStep = (r: RunResponse): Record<string, InvocationRecord> => Object.fromEntries(r.invocations.map((i) => [i.step, i]));

describe('whole-request placement (learned policy)', () => {
  let agent: Agent;
  let client: AgentClient;
  let state: string;

  before(async () => {
    ({ agent, client, state } = await start({}));
  });
  after(async () => {
    await agent.close();
    rmSync(state, { recursive: true, force: true });
  });

  it('places a request as a DAG: the step feeding another gets the fast fleet, its independent sibling the spare one', async () => {
    const r = await client.run({ entry: `${F}#fan`, args: [10, 10, 5] });
    assert.equal(r.ok, true, r.error?.message);
    assert.deepEqual(r.result, await steps.fan(10, 10, 5), 'the result a direct call gives');
    const s = byStep(r);
    // Both works are fastest on `fast`, which has one worker. Placed one by one as they become ready, s1
    // (first in the plan) would take it; the plan gives it to s2, whose result s3 waits for.
    assert.equal(s.s2!.fleet, 'fast');
    assert.equal(s.s1!.fleet, 'spare');
    assert.equal(s.s3!.fleet, 'fast');
    for (const id of ['s1', 's2', 's3']) {
      const e = s[id]!.explanation!;
      assert.ok(e.plan, `${id} carries its plan`);
      assert.equal(e.plan.algorithm, 'peft', 'the default algorithm');
      assert.equal(e.plan.steps, 3);
      assert.equal(e.plan.fleet, s[id]!.fleet);
      assert.equal(e.fleet, s[id]!.fleet);
      assert.ok(e.plan.expectedFinishMs > e.plan.expectedStartMs && e.plan.expectedFinishMs <= e.plan.makespanMs, JSON.stringify(e.plan));
      assert.deepEqual(e.candidates.map((c) => c.fleet).sort(), ['fast', 'spare'], 'the candidates and their scores, as for any placement');
      assert.equal(s[id]!.placement, e.reason);
    }
    const first = s.s1!.explanation!;
    assert.equal(first.plan!.followed, 'plan');
    assert.equal(first.plan!.replans, 0, 'placed at the start, before anything could change');
    assert.ok(Math.abs(first.plan!.makespanMs - 20) < 0.01, `s2 then s3 on fast (10 + 10 ms), s1 on spare beside them (15 ms): ${first.plan!.makespanMs}`);
    assert.match(first.reason, /^peft plan: s1 on spare, expected 0\.0–15 ms of 20 ms/);
    assert.equal(first.best, 'fast', 'the scores alone would put it on fast');
  });

  it('re-plans when a step overruns: the step waiting for its fleet goes elsewhere, and says why', async (t) => {
    // Planned: s1 (hog) on fast, s2 (prep) on spare, s3 on fast after s1. The hog runs 300 ms, not 10:
    // when s2 ends, s3 would wait on fast for the hog; the re-plan puts it on spare.
    const r = await client.run({ entry: `${F}#relay`, args: [300, 40, 5] });
    assert.equal(r.ok, true, r.error?.message);
    assert.deepEqual(r.result, await steps.relay(300, 40, 5));
    const s = byStep(r);
    assert.equal(s.s1!.fleet, 'fast');
    assert.equal(s.s2!.fleet, 'spare');
    assert.equal(s.s1!.explanation!.plan!.fleet, 'fast');
    assert.equal(s.s1!.explanation!.plan!.replans, 0);
    const moved = s.s3!.explanation!;
    assert.equal(s.s3!.fleet, 'spare', moved.reason);
    assert.equal(moved.plan!.followed, 'plan', 'the new plan, not exploration, moved it');
    assert.ok(moved.plan!.replans >= 1);
    assert.match(moved.plan!.replannedAfter!, /s1 still running \d+ ms past its expected finish/);
    assert.match(moved.reason, /re-planned \d+× \(last after .*s1 still running/);
    assert.ok(s.s3!.start < s.s1!.end, 's3 did not wait for the hog');
    // "Why these fleets?" after the run, in the editor: every step, its plan and the re-plan that moved s3.
    const text = formatRunPlacements(r);
    assert.equal(text.split('\n')[0], `Placements of request ${r.requestId}: ${F}#relay, 3 steps`);
    for (const id of ['s1', 's2', 's3']) assert.match(text, new RegExp(`^${id} ${F}#\\w+  \\S+  →  ${s[id]!.fleet}  \\(ok, ran `, 'm'));
    assert.match(text, /plan: PEFT over 3 steps gave spare, expected .* makespan; followed the plan\n  re-planned \d+×, last after .*s1 still running/);
    for (const id of ['s1', 's2', 's3']) t.diagnostic(`${id}: ${s[id]!.placement} [planning ${s[id]!.explanation!.plan!.planningMs.toFixed(3)} ms so far]`);
  });

  it('keeps placing whole requests one invocation at a time, without a plan', async () => {
    const r = await client.run({ entry: `${F}#work`, args: [1, 'w'] });
    assert.equal(r.result, 'w');
    assert.equal(r.invocations[0]!.explanation!.plan, undefined);
    assert.equal(r.invocations[0]!.fleet, 'fast');
  });

  it('with plans off, places each step as it becomes ready (the first ready step takes the fast fleet)', async () => {
    const off = await start({ plan: { algorithm: 'off' } });
    try {
      const r = await off.client.run({ entry: `${F}#fan`, args: [10, 10, 5] });
      assert.deepEqual(r.result, await steps.fan(10, 10, 5));
      const s = byStep(r);
      assert.equal(s.s1!.fleet, 'fast');
      for (const i of r.invocations) assert.equal(i.explanation!.plan, undefined);
    } finally {
      await off.agent.close();
      rmSync(off.state, { recursive: true, force: true });
    }
  });
});
