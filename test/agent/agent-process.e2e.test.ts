// A real agent process with real worker threads and child processes: worker crashes, memory limits,
// the agent itself killed, config mistakes, and a hostile WebSocket client.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import type { ServerFrame } from '../../agent/protocol';
import { testFleets } from './support/fleets';
import { fixtureCopy, startAgent, type AgentProcess } from './support/spawn';

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('agent process', () => {
  let ws: string;
  let state: string;
  let agent: AgentProcess;
  const configFile = (): string => path.join(ws, '.codelets', 'fleets.json');

  before(async () => {
    ws = fixtureCopy();
    state = mkdtempSync(path.join(os.tmpdir(), 'codelets-state-'));
    mkdirSync(path.dirname(configFile()), { recursive: true });
    writeFileSync(configFile(), JSON.stringify({ fleets: testFleets() }, null, 2));
    agent = await startAgent('fixture', { workspace: ws, state, placement: 'class-affinity' });
  });
  after(async () => {
    await agent?.kill();
    rmSync(ws, { recursive: true, force: true });
    rmSync(state, { recursive: true, force: true });
  });

  it('completes a request exactly once when its worker is SIGKILLed mid-invocation', async () => {
    const marker = path.join(ws, 'marker.txt');
    const pidFile = path.join(ws, 'pid.txt');
    const pending = agent.client.run({ entry: 'src/effects.ts#slowAppend', args: [marker, pidFile, 1500] });
    const pid = await until('the codelet to start', () => (existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8')) : undefined));
    assert.notEqual(pid, agent.child.pid, 'runs in a child-process worker, not in the agent');
    process.kill(pid, 'SIGKILL');
    const r = await pending;
    assert.equal(r.ok, true, r.error?.message);
    assert.equal(r.result, 'appended');
    assert.equal(readFileSync(marker, 'utf8'), 'done\n', 'the side effect happened exactly once');
    assert.equal(r.invocations.length, 2);
    assert.match(r.invocations[0]!.error!, /worker process died \(signal SIGKILL\)/);
    assert.notEqual(r.invocations[0]!.worker, r.invocations[1]!.worker, 'retried on another worker');
    const io = (await agent.client.fleets()).fleets.find((f) => f.id === 'io')!;
    assert.ok(io.replacedWorkers >= 1);
    assert.ok(io.workers >= 1);
  });

  it('replaces a worker that exceeds its memory limit and fails clearly after the last attempt', async () => {
    const r = await agent.client.run({ entry: 'src/effects.ts#hog', args: [400] });
    assert.equal(r.ok, false);
    assert.equal(r.error!.kind, 'worker');
    assert.match(r.error!.message, /src\/effects\.ts#hog: worker ran out of memory \(heap limit 64 MB\); gave up after 3 attempts/);
    assert.equal(r.invocations.length, 3);
    assert.equal(new Set(r.invocations.map((i) => i.worker)).size, 3, 'each attempt on a fresh worker');
    const memory = (await agent.client.fleets()).fleets.find((f) => f.id === 'memory')!;
    assert.ok(memory.replacedWorkers >= 3);
    // The fleet serves again: a small allocation fits.
    const small = await agent.client.run({ entry: 'src/effects.ts#hog', args: [4] });
    assert.equal(small.result, 4);
  });

  it('answers malformed WebSocket frames with error frames and keeps serving everyone', async () => {
    const headers = { Authorization: `Bearer ${readFileSync(agent.tokenFile, 'utf8').trim()}` };
    const url = agent.url.replace('http', 'ws') + '/v1/stream';
    // Without the token the upgrade is refused.
    await assert.rejects(
      new Promise((resolve, reject) => {
        const bad = new WebSocket(url);
        bad.on('open', resolve);
        bad.on('error', reject);
      }),
      /401/,
    );
    const watcherFrames: ServerFrame[] = [];
    const watcher = agent.client.subscribe(['invocations', 'runs'], (f) => watcherFrames.push(f));
    await watcher.ready;

    const attacker = new WebSocket(url, { headers });
    const replies: ServerFrame[] = [];
    attacker.on('message', (d) => replies.push(JSON.parse(d.toString())));
    await new Promise((r) => attacker.on('open', r));
    const junk = ['{', 'null', '42', '"x"', '{"v":1}', '{"v":1,"type":"launch"}', '{"v":2,"type":"ping"}', '{"v":1,"type":"subscribe","topics":["secrets"]}', '[]'];
    const n = 600;
    for (let i = 0; i < n; i++) attacker.send(junk[i % junk.length]!);
    attacker.send(Buffer.from([1, 2, 3]), { binary: true });
    attacker.send(JSON.stringify({ v: 1, type: 'ping', id: 'still-there' }));
    await until('the pong after the junk', () => replies.some((f) => f.type === 'pong'));
    const errors = replies.filter((f) => f.type === 'error');
    assert.equal(errors.length, n + 1);
    assert.ok(errors.some((f) => f.type === 'error' && /unsupported protocol version 2/.test(f.error)));
    assert.ok(errors.some((f) => f.type === 'error' && /invalid JSON/.test(f.error)));

    // An oversized frame closes only that connection.
    const closed = new Promise<number>((r) => attacker.on('close', (code) => r(code)));
    attacker.send('x'.repeat(200_000));
    assert.equal(await closed, 1009);

    const r = await agent.client.run({ entry: 'src/math.ts#add', args: [20, 22] });
    assert.equal(r.result, 42);
    await until('the watcher to hear the run', () => watcherFrames.some((f) => f.type === 'run' && f.event.requestId === r.requestId && f.event.phase === 'finished'));
    assert.ok(watcherFrames.some((f) => f.type === 'invocation' && f.invocation.requestId === r.requestId && f.invocation.codelet === 'src/math.ts#add'));
    watcher.close();
  });

  it('keeps the last good fleets when the config goes bad, naming the file and field', async () => {
    const good = JSON.parse(readFileSync(configFile(), 'utf8'));
    const bad = structuredClone(good);
    bad.fleets[1].scaling.maxWorkers = 0;
    writeFileSync(configFile(), JSON.stringify(bad));
    const status = await until('the config error', async () => {
      const s = await agent.client.fleets();
      return s.configError ? s : undefined;
    });
    assert.match(status.configError!, new RegExp(`${configFile().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: fleets\\[1\\] \\(id "io"\\)\\.scaling\\.maxWorkers: `));
    assert.deepEqual(status.fleets.map((f) => f.id), ['cpu', 'io', 'memory', 'general'], 'previous fleets kept');
    assert.equal((await agent.client.run({ entry: 'src/math.ts#add', args: [1, 1] })).result, 2);

    writeFileSync(configFile(), '{ "fleets": [ ');
    await until('the JSON error', async () => ((await agent.client.fleets()).configError?.includes('invalid JSON') ? true : undefined));

    good.fleets = good.fleets.filter((f: { id: string }) => f.id !== 'general');
    writeFileSync(configFile(), JSON.stringify(good));
    const fixed = await until('the fixed config', async () => {
      const s = await agent.client.fleets();
      return s.configError === null && s.fleets.length === 3 ? s : undefined;
    });
    assert.deepEqual(fixed.fleets.map((f) => f.id), ['cpu', 'io', 'memory']);
    assert.equal(fixed.source, configFile());
  });

  it('keeps its history when the agent is killed and restarted', async () => {
    for (let i = 0; i < 3; i++) assert.equal((await agent.client.run({ entry: 'src/math.ts#square', args: [i + 2] })).ok, true);
    const before = await agent.client.codeletStats('src/math.ts#square');
    assert.ok(before.runs >= 3);
    const oldToken = readFileSync(agent.tokenFile, 'utf8').trim();
    await agent.kill('SIGKILL');
    agent = await startAgent('fixture', { workspace: ws, state, placement: 'class-affinity' });
    assert.equal(statSync(agent.tokenFile).mode & 0o777, 0o600, 'token readable by the user only');
    const afterRestart = await agent.client.codeletStats('src/math.ts#square');
    assert.equal(afterRestart.runs, before.runs);
    assert.equal(afterRestart.p95Ms, before.p95Ms);
    assert.deepEqual(afterRestart.byFleet, before.byFleet);
    // A new token was written: the old one no longer opens the door.
    assert.equal((await fetch(agent.url + '/v1/fleets', { headers: { Authorization: `Bearer ${oldToken}` } })).status, 401);
    assert.equal((await agent.client.run({ entry: 'src/math.ts#square', args: [5] })).result, 25);
    assert.equal((await agent.client.codeletStats('src/math.ts#square')).runs, before.runs + 1);
  });
});
