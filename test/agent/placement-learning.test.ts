// Learned placement in the running agent (in-process, real HTTP, real worker threads and processes):
// explanations in the response and per codelet, models that survive a restart, the measured class with
// its reason, and traffic on the fleet where the codelet measured fastest.
// The fixture codelet waits 2 ms in a worker thread and 100 ms in a child process, so the `quick` fleet
// (threads) is the fast one, although the static class (mixed → general) and the measured one (I/O-bound,
// no io fleet → general) both point at `steady` (processes), where class-affinity placement would put it.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Agent } from '../../agent/agent';
import { AgentClient, AgentClientError } from '../../agent/client';
import { FixedCatalog } from '../../agent/codelets/catalog';
import type { FleetConfig } from '../../agent/fleets/config';
import { MODELS_FILE } from '../../agent/monitor/model-persistence';
import type { InvocationRecord } from '../../agent/protocol';
import { formatPlacements } from '../../extension/agent/placement-report';
import { codelet } from './support/fixture-catalog';

const WS = path.resolve(__dirname, '../fixtures/agent/learn-ws');
const LOOKUP = 'src/speed.ts#lookup';
const retries = { attempts: 2, backoffMs: 10 };
const scaling = { minWorkers: 1, maxWorkers: 1, scaleUpQueueWaitMs: 1000, idleMs: 60_000 };
const FLEETS: FleetConfig[] = [
  { id: 'steady', specialisation: 'general', runtime: 'processes', costPerSecond: 0, capacity: { concurrencyPerWorker: 4 }, scaling, retries },
  { id: 'quick', specialisation: 'cpu', runtime: 'threads', costPerSecond: 0, capacity: { concurrencyPerWorker: 4 }, scaling, retries },
];
const catalog = (): FixedCatalog => new FixedCatalog([{ ...codelet('src/speed.ts', 'lookup', { cls: 'mixed' }), estimatedMs: 5 }]);

async function start(state: string, log?: (line: string) => void): Promise<{ agent: Agent; client: AgentClient }> {
  const agent = await Agent.start({ workspace: WS, stateDir: state, catalog: catalog(), fleets: FLEETS, adaptive: { seed: 7 }, ...(log ? { log } : {}) });
  return { agent, client: new AgentClient(agent.url, agent.token) };
}

/** While this file exists, the codelet is slow in threads. Always passed, so every call's input is alike in size. */
let slowFile = '';

async function lookup(client: AgentClient, i: number): Promise<InvocationRecord> {
  const r = await client.run({ entry: LOOKUP, args: [`k${i}`, slowFile] });
  assert.equal(r.ok, true, r.error?.message);
  assert.equal(r.result, `k${i}:found`);
  assert.equal(r.invocations.length, 1);
  return r.invocations[0]!;
}

describe('learned placement in the agent', () => {
  let state: string;
  let agent: Agent | undefined;
  let client: AgentClient;
  const placed: InvocationRecord[] = [];

  before(async () => {
    state = mkdtempSync(path.join(os.tmpdir(), 'codelets-learn-'));
    slowFile = path.join(state, 'threads-are-slow');
    ({ agent, client } = await start(state));
  });
  after(async () => {
    await agent?.close();
    rmSync(state, { recursive: true, force: true });
  });

  it('answers each invocation with its placement explained: every fleet, its score parts, explored or not', async () => {
    const first = await lookup(client, 0);
    placed.push(first);
    const e = first.explanation!;
    assert.ok(e, 'the invocation record carries its explanation');
    assert.equal(e.codelet, LOOKUP);
    assert.equal(e.fleet, first.fleet);
    assert.deepEqual(e.candidates.map((c) => c.fleet).sort(), ['quick', 'steady']);
    for (const c of e.candidates) {
      assert.equal(c.eligible, true);
      assert.equal(typeof c.score, 'number');
      assert.ok(Math.abs(c.components.time + c.components.cost + c.components.match - c.score!) < 1e-9, `${c.fleet}: components add up to the score`);
      assert.equal(c.basis, 'prior', 'nothing measured yet: the static estimate');
    }
    // The first run goes to the fleet the scores pick, or gives the other fleet its first run.
    assert.ok(e.explored === false ? e.fleet === e.best : e.explored === 'warm-up' && e.fleet !== e.best, JSON.stringify(e));
    assert.equal(first.placement, e.reason);
  });

  it('after warm-up, places the codelet on the fleet where it measured fastest', async () => {
    for (let i = 1; i < 30; i++) placed.push(await lookup(client, i));
    assert.ok(placed.some((r) => r.fleet === 'steady') && placed.some((r) => r.fleet === 'quick'), 'both fleets were tried');
    const late = placed.slice(-10);
    for (const r of late) {
      assert.equal(r.explanation!.best, 'quick', `the scores pick the fast fleet: ${r.explanation!.reason}`);
      const quick = r.explanation!.candidates.find((c) => c.fleet === 'quick')!;
      assert.equal(quick.basis, 'history');
      // Only a bounded share of placements explores the slow fleet.
      if (r.fleet !== 'quick') assert.equal(r.explanation!.explored, 'explore');
    }
    assert.ok(late.filter((r) => r.fleet === 'quick').length >= 7, `most late placements on quick: ${late.map((r) => r.fleet).join(' ')}`);
  });

  it('moves traffic away from a fleet that became slow, and back when it recovers', async (t) => {
    // The scores pick the first fleet for which `until` holds on `streak` placements in a row.
    const settle = async (from: number, limit: number, until: (best: string | null) => boolean): Promise<number> => {
      let streak = 0;
      for (let i = from; i < from + limit; i++) {
        const r = await lookup(client, i);
        placed.push(r);
        streak = until(r.explanation!.best) ? streak + 1 : 0;
        if (streak === 5) return i - from + 1;
      }
      assert.fail(`placement did not settle within ${limit} requests`);
    };
    writeFileSync(slowFile, '');
    const away = await settle(1000, 40, (best) => best === 'steady');
    rmSync(slowFile);
    const back = await settle(2000, 150, (best) => best === 'quick');
    t.diagnostic(`moved away after ${away}, back after ${back} requests (each counting the 5 that confirm it)`);
  });

  it('keeps the latest placements of a codelet, explained, for the editor', async () => {
    const p = await client.placements(LOOKUP, 5);
    assert.equal(p.codelet, LOOKUP);
    assert.equal(p.policy, 'learned');
    assert.deepEqual(p.placements.map((x) => x.invocation), placed.slice(-5).map((r) => r.id), 'the last five, newest last');
    for (const x of p.placements) assert.ok(x.explanation && x.explanation.candidates.length === 2);
    // What "Why this fleet?" shows in the editor: newest first, each candidate with its figures.
    const text = formatPlacements(p, 2);
    const lines = text.split('\n');
    assert.equal(lines[0], `Placements of ${LOOKUP}`);
    assert.equal(lines[1], 'Policy: learned');
    const newest = p.placements.at(-1)!;
    assert.ok(lines[3]!.includes(`→  ${newest.fleet}  (ok, ran `), lines[3]);
    assert.ok(text.includes(`invocation ${newest.invocation}`) && !text.includes(`invocation ${p.placements[0]!.invocation}`), 'only the newest two');
    assert.match(text, /\(3 older placements not shown\)/);
    for (const fleet of ['steady', 'quick']) assert.match(text, new RegExp(`^    ${fleet} +\\d+\\.\\d{3} +[\\d.]+ ms .* (measured runs|static estimate)`, 'm'));
    await assert.rejects(client.placements('src/nowhere.ts#ghost'), (e: unknown) => e instanceof AgentClientError && e.status === 404);
    await assert.rejects(client.placements(LOOKUP, 0), (e: unknown) => e instanceof AgentClientError && e.status === 400);
  });

  it('reports the measured class with the reason it differs from the static one', async () => {
    const m = (await client.measured()).codelets.find((c) => c.id === LOOKUP)!.measured;
    assert.equal(m.class, 'io-bound');
    assert.match(m.reason!, /wall time waiting over \d+ runs: io-bound, not mixed as the code suggested/);
  });

  it('keeps the learned models across a restart', async () => {
    await agent!.close();
    agent = undefined;
    const saved = JSON.parse(readFileSync(path.join(state, MODELS_FILE), 'utf8')) as { models: { codelet: string; fleet: string; model: { runs: number } }[] };
    assert.deepEqual(saved.models.filter((m) => m.codelet === LOOKUP).map((m) => m.fleet).sort(), ['quick', 'steady']);
    ({ agent, client } = await start(state));
    const r = await lookup(client, 100);
    const e = r.explanation!;
    assert.equal(e.best, 'quick', 'the restarted agent already knows the fast fleet');
    assert.notEqual(e.explored, 'warm-up', 'no fleet needs its first runs again');
    for (const c of e.candidates) assert.equal(c.basis, 'history', `${c.fleet} is predicted from runs before the restart`);
  });

  it('starts afresh, saying why, when the saved models are damaged', async () => {
    await agent!.close();
    agent = undefined;
    writeFileSync(path.join(state, MODELS_FILE), '{"version": 1, "models": [{"codelet": "x", "fleet": "quick", "model": {"runs": -3}}]}');
    const lines: string[] = [];
    ({ agent, client } = await start(state, (line) => lines.push(line)));
    assert.ok(lines.some((l) => l.includes(MODELS_FILE) && /models\.0\.model/.test(l) && /starting with no learned models/.test(l)), lines.join('\n'));
    assert.ok(existsSync(path.join(state, `${MODELS_FILE}.corrupt`)), 'the damaged file is kept aside');
    const r = await lookup(client, 200);
    for (const c of r.explanation!.candidates) assert.notEqual(c.basis, 'history');
  });
});
