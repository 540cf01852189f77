// The orchestrator through the agent's real HTTP interface and real worker threads/processes, on hand-built
// plans over test/fixtures/agent/ws (the example with the real analyser is in example.e2e.test.ts).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Agent } from '../../agent/agent';
import { AgentClient, AgentClientError } from '../../agent/client';
import { FixedCatalog } from '../../agent/codelets/catalog';
import type { InvocationRecord } from '../../agent/protocol';
import * as math from '../fixtures/agent/ws/src/math';
import { fixtureCodelets, FIXTURE_WS } from './support/fixture-catalog';
import { testFleets } from './support/fleets';

const overlaps = (a: InvocationRecord, b: InvocationRecord): boolean => a.start < b.end && b.start < a.end;

describe('orchestrator over HTTP', () => {
  let agent: Agent;
  let client: AgentClient;
  let state: string;

  before(async () => {
    // Class-affinity placement: these tests check where each class goes (learned placement explores;
    // test/agent/placement-learning.test.ts covers it).
    state = mkdtempSync(path.join(os.tmpdir(), 'codelets-orch-'));
    agent = await Agent.start({ workspace: FIXTURE_WS, stateDir: state, catalog: new FixedCatalog(fixtureCodelets()), fleets: testFleets(), placement: 'class-affinity' });
    client = new AgentClient(agent.url, agent.token);
  });
  after(async () => {
    await agent.close();
    rmSync(state, { recursive: true, force: true });
  });

  it('returns what a direct call returns, for decomposed and whole entries', async () => {
    const cases: [string, unknown[], unknown][] = [
      ['src/math.ts#pipeline', [7], math.pipeline(7)],
      ['src/math.ts#both', [20], await math.both(20)],
      ['src/math.ts#api.describe', [{ a: [1, 2] }], math.api.describe({ a: [1, 2] })],
      ['src/math.ts#Shapes.area', [3, 4], math.Shapes.area(3, 4)],
      ['src/math.ts#combine', [2, 5, 'x'], math.combine(2, 5, 'x')],
    ];
    for (const [entry, args, expected] of cases) {
      const response = await client.run({ entry, args });
      assert.equal(response.ok, true, `${entry}: ${response.error?.message}`);
      assert.deepEqual(response.result, expected, entry);
    }
  });

  it('runs a plan step by step, each step on the fleet of its class, and says why others run whole', async () => {
    const r = await client.run({ entry: 'src/math.ts#pipeline', args: [3] });
    assert.deepEqual(r.decomposition, { decomposed: true, reasons: [], steps: 3 });
    const byStep = Object.fromEntries(r.invocations.map((i) => [i.step, i]));
    assert.deepEqual(Object.keys(byStep).sort(), ['s1', 's2', 's3']);
    assert.equal(byStep.s1!.fleet, 'cpu', 'square is cpu-bound');
    assert.equal(byStep.s2!.fleet, 'general', 'add is trivial');
    // combine consumed both results, so it started after both ended.
    assert.ok(byStep.s3!.start >= byStep.s1!.end && byStep.s3!.start >= byStep.s2!.end);

    const whole = await client.run({ entry: 'src/math.ts#add', args: [1, 2] });
    assert.equal(whole.decomposition.decomposed, false);
    assert.deepEqual(whole.decomposition.reasons, ['its body calls no other codelet']);
    assert.equal(whole.invocations.length, 1);
    assert.equal(whole.invocations[0]!.step, 'whole');
  });

  it('runs independent steps at the same time', async () => {
    const r = await client.run({ entry: 'src/math.ts#both', args: [300] });
    assert.deepEqual(r.result, ['a', 'b']);
    const [a, b] = r.invocations;
    assert.ok(a && b && overlaps(a, b), `the two waits overlap: ${JSON.stringify(r.invocations.map((i) => [i.start, i.end]))}`);
    // Each invocation is measured: mostly waiting, little CPU.
    for (const i of r.invocations) {
      assert.ok(i.wallMs >= 290, `wall ${i.wallMs}`);
      assert.ok(i.ioWaitMs > i.cpuMs, `io wait ${i.ioWaitMs} > cpu ${i.cpuMs}`);
      assert.ok(i.bytesIn > 0 && i.bytesOut > 0);
      assert.ok(i.end > Date.now() - 60_000 && i.end <= Date.now() + 1000, 'epoch milliseconds');
    }
  });

  it('measures CPU time of the thread that ran a busy codelet', async () => {
    const r = await client.run({ entry: 'src/math.ts#burn', args: [200] });
    assert.equal(r.ok, true);
    const [i] = r.invocations;
    assert.equal(i!.fleet, 'cpu');
    // Lenient bounds: the machine is shared, so the thread may not get the whole core.
    assert.ok(i!.cpuMs > 20 && i!.cpuMs <= i!.wallMs + 5, `cpu ${i!.cpuMs} ms of ${i!.wallMs} ms`);
  });

  it('reports a user exception with the original TypeScript file and line, without retrying it', async () => {
    const r = await client.run({ entry: 'src/math.ts#boom', args: ['bad input'] });
    assert.equal(r.ok, false);
    assert.equal(r.error!.kind, 'user');
    assert.match(r.error!.message, /boom: bad input/);
    assert.match(r.error!.stack!, /src\/math\.ts:22:9/);
    assert.doesNotMatch(r.error!.stack!, /worker\.js|node:internal/);
    assert.equal(r.invocations.length, 1);

    const retried = await client.run({ entry: 'src/math.ts#boom', args: ['again'], retryUserErrors: 2 });
    assert.equal(retried.invocations.length, 3, 'retried when asked');
  });

  it('cancels the other steps of a request when one fails, and reports every attempt', async () => {
    const r = await client.run({ entry: 'src/math.ts#failing', args: [60_000] });
    assert.equal(r.ok, false);
    assert.equal(r.error!.kind, 'user');
    assert.match(r.error!.message, /boom: early/);
    const slow = r.invocations.find((i) => i.step === 's1');
    assert.equal(slow?.ok, false);
    assert.equal(slow?.error, 'cancelled');
    const io = (await client.fleets()).fleets.find((f) => f.id === 'io')!;
    assert.equal(io.running, 0, 'nothing left running');
  });

  it('names the codelet and the argument or result that cannot cross to a worker', async () => {
    const r = await client.run({ entry: 'src/math.ts#giveFunction', args: [] });
    assert.equal(r.ok, false);
    assert.equal(r.error!.kind, 'serialisation');
    assert.match(r.error!.message, /result of src\/math\.ts#giveFunction is a function/);

    const fleets = (await client.fleets()).fleets;
    const orchestrator = agent.orchestrator;
    const direct = await orchestrator.run({ entry: 'src/math.ts#api.describe', args: [{ nested: { cb: () => 1 } }], retryUserErrors: 0 });
    assert.equal(direct.ok, false);
    assert.match(direct.error!.message, /argument 1 of src\/math\.ts#api\.describe at \.nested\.cb is a function/);
    assert.ok(fleets.length > 0);
  });

  it('times a request out, stops its busy worker and keeps serving', async () => {
    const r = await client.run({ entry: 'src/math.ts#burn', args: [60_000], timeoutMs: 300 });
    assert.equal(r.ok, false);
    assert.equal(r.error!.kind, 'timeout');
    assert.match(r.error!.message, /timed out after 300 ms/);
    assert.equal((await client.run({ entry: 'src/math.ts#burn', args: [1] })).ok, true);
  });

  it('refuses unknown entries and bad bodies with clear 4xx errors', async () => {
    await assert.rejects(client.run({ entry: 'src/math.ts#nope', args: [] }), (e: AgentClientError) => e.status === 400 && /unknown entry "src\/math\.ts#nope"/.test(e.message));
    await assert.rejects(client.run({ entry: 'src/math.ts#hidden', args: [] }), (e: AgentClientError) => e.status === 400 && /cannot be called on its own/.test(e.message));
    const post = (body: string, headers: Record<string, string> = {}) =>
      fetch(agent.url + '/v1/requests', { method: 'POST', body, headers: { Authorization: `Bearer ${agent.token}`, ...headers } });
    const invalid = await post('{"entry": ');
    assert.equal(invalid.status, 400);
    assert.match(((await invalid.json()) as { error: string }).error, /invalid JSON/);
    const wrongField = await post(JSON.stringify({ entry: 'src/math.ts#add', args: 'nope' }));
    assert.equal(wrongField.status, 400);
    assert.match(((await wrongField.json()) as { detail: string }).detail, /args/);
    const huge = await post(JSON.stringify({ entry: 'src/math.ts#add', args: ['x'.repeat(2 * 1024 * 1024)] }));
    assert.equal(huge.status, 413);
    // The agent still serves.
    assert.equal((await client.run({ entry: 'src/math.ts#add', args: [2, 2] })).result, 4);
  });

  it('refuses every route but /healthz without the right token', async () => {
    for (const route of ['/v1/fleets', '/metrics', '/v1/codelets/x/stats']) {
      assert.equal((await fetch(agent.url + route)).status, 401, route);
      assert.equal((await fetch(agent.url + route, { headers: { Authorization: 'Bearer wrong' } })).status, 401, route);
    }
    assert.equal((await fetch(agent.url + '/v1/requests', { method: 'POST', body: '{}' })).status, 401);
    assert.equal((await fetch(agent.url + '/healthz')).status, 200);
    const stranger = new AgentClient(agent.url, 'not-the-token');
    await assert.rejects(stranger.fleets(), (e: AgentClientError) => e.status === 401);
  });

  it('keeps per-codelet history, stats and Prometheus metrics', async () => {
    for (let i = 0; i < 3; i++) await client.run({ entry: 'src/math.ts#square', args: [i] });
    const stats = await client.codeletStats('src/math.ts#square');
    assert.ok(stats.runs >= 3);
    assert.equal(stats.byFleet.cpu !== undefined, true);
    assert.equal(stats.staticClass, 'cpu-bound');
    assert.ok(stats.measured && stats.measured.runs >= 3 && stats.measured.fleet === 'cpu');
    const metrics = await client.metrics();
    assert.match(metrics, /codelets_invocations_total\{codelet="src\/math.ts#square",fleet="cpu",outcome="ok"\} \d+/);
    assert.match(metrics, /codelets_fleet_workers\{fleet="io",specialisation="io"\} \d+/);
    await assert.rejects(client.codeletStats('src/never.ts#x'), (e: AgentClientError) => e.status === 404);
    // The figures to merge back into the analyser's metadata as `Codelet.measured`.
    const all = await client.measured();
    const square = all.codelets.find((c) => c.id === 'src/math.ts#square');
    assert.ok(square && square.measured.runs >= 3 && square.measured.p95Ms >= square.measured.p50Ms);
  });

  it('reports each fleet with capacity, utilisation and queue', async () => {
    const status = await client.fleets();
    assert.equal(status.source, 'given');
    assert.deepEqual(status.fleets.map((f) => f.id), ['cpu', 'io', 'memory', 'general']);
    const io = status.fleets.find((f) => f.id === 'io')!;
    assert.equal(io.runtime, 'processes');
    assert.equal(io.capacity, io.workers * 16);
    assert.ok(io.utilisation >= 0 && io.utilisation <= 1);
    assert.equal(io.queueDepth, 0);
    const cpu = status.fleets.find((f) => f.id === 'cpu')!;
    assert.ok(cpu.completed > 0 && cpu.latency.count > 0, 'latency histogram per fleet');
    assert.ok(cpu.latency.p99Ms >= cpu.latency.p50Ms);
    assert.ok(cpu.throughput > 0, 'recent completions per second');
  });
});
