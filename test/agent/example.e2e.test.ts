// The example service through the shipped CLI: `codelets agent` on examples/ with the real analyser and the
// default fleets, `codelets run --json` against it and embedded, `codelets fleets`.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { InvocationRecord, RunResponse } from '../../agent/protocol';
import { handleReport } from '../../examples/src/service';
import { ROOT, startAgent, type AgentProcess } from './support/spawn';

const EXAMPLES = path.join(ROOT, 'examples');
const ENTRY = 'src/service.ts#handleReport';
const overlaps = (a: InvocationRecord, b: InvocationRecord): boolean => a.start < b.end && b.start < a.end;

function cli(args: string[], env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin/codelets.js'), ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('the example service on the agent', () => {
  let agent: AgentProcess;
  let state: string;
  let direct: unknown;

  before(async () => {
    state = mkdtempSync(path.join(os.tmpdir(), 'codelets-example-'));
    // Class-affinity placement: the first request checks each class's fleet (learned placement explores).
    agent = await startAgent('cli', { workspace: EXAMPLES, state, placement: 'class-affinity' });
    // The same call, in this process: JSON round-trip because that is what crosses HTTP.
    direct = JSON.parse(JSON.stringify(await handleReport(path.join(EXAMPLES, 'data'))));
  });
  after(async () => {
    await agent?.kill();
    rmSync(state, { recursive: true, force: true });
  });

  it('returns what calling handleReport directly returns, decomposed, with independent steps overlapping', async () => {
    const r = await agent.client.run({ entry: ENTRY, args: ['data'] });
    assert.equal(r.ok, true, r.error?.message);
    assert.deepEqual(r.result, direct);
    assert.equal(r.decomposition.decomposed, true);
    const by = (codelet: string): InvocationRecord => r.invocations.find((i) => i.codelet === codelet)!;
    const orders = by('src/loaders.ts#loadOrders');
    const events = by('src/loaders.ts#loadEvents');
    assert.ok(overlaps(orders, events), 'the two loads run at the same time');
    const fingerprint = by('src/fingerprint.ts#fingerprintEvents');
    const index = by('src/search-index.ts#buildSearchIndex');
    assert.ok(overlaps(fingerprint, index), 'fingerprinting and indexing run at the same time');
    // Each codelet went to the fleet of its class.
    assert.equal(orders.fleet, 'io');
    assert.equal(fingerprint.fleet, 'cpu');
    assert.equal(index.fleet, 'memory');
    assert.ok(index.worker.startsWith('memory-'));
  });

  it('runs from the CLI with --json against the running agent, and embedded', () => {
    const token = readFileSync(agent.tokenFile, 'utf8').trim();
    const target = path.join('examples', 'src', 'service.ts') + '#handleReport';
    for (const args of [['run', target, '--args', '["data"]', '--json', '--agent', agent.url], ['run', target, '--args', '["data"]', '--json']]) {
      const out = cli(args, { CODELETS_TOKEN: token });
      assert.equal(out.status, 0, out.stderr);
      const json = JSON.parse(out.stdout) as RunResponse & { agent: string };
      assert.deepEqual(json.result, direct);
      assert.ok(json.invocations.length >= 5);
      for (const i of json.invocations) {
        assert.equal(typeof i.codelet, 'string');
        assert.ok(['io', 'cpu', 'memory', 'general'].includes(i.fleet));
        assert.ok(i.worker.length > 0);
        assert.ok(i.start > 1.7e12 && i.end >= i.start, 'epoch milliseconds');
      }
      assert.equal(json.agent, args.includes('--agent') ? agent.url : 'embedded');
    }
  });

  it('explains bad CLI input with exit code 2', () => {
    const badJson = cli(['run', 'examples/src/service.ts#handleReport', '--args', '[data']);
    assert.equal(badJson.status, 2);
    assert.match(badJson.stderr, /--args is not valid JSON/);
    const notArray = cli(['run', 'examples/src/service.ts#handleReport', '--args', '{"a":1}']);
    assert.equal(notArray.status, 2);
    assert.match(notArray.stderr, /must be a JSON array/);
    const unknown = cli(['run', 'examples/src/service.ts#nothing', '--agent', agent.url], { CODELETS_TOKEN: readFileSync(agent.tokenFile, 'utf8').trim() });
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /unknown entry "src\/service\.ts#nothing"/);
  });

  it('lists the default fleets sized to this machine', () => {
    const out = cli(['fleets', '--agent', agent.url, '--json', '--workspace', EXAMPLES], { CODELETS_TOKEN: readFileSync(agent.tokenFile, 'utf8').trim() });
    assert.equal(out.status, 0, out.stderr);
    const status = JSON.parse(out.stdout) as { source: string; fleets: { id: string; maxWorkers: number; concurrencyPerWorker: number; memoryLimitMb: number | null; runtime: string }[] };
    assert.equal(status.source, 'default');
    assert.deepEqual(status.fleets.map((f) => f.id), ['cpu', 'io', 'memory', 'general']);
    const [cpu, io, memory] = status.fleets;
    assert.equal(cpu!.maxWorkers, os.availableParallelism());
    assert.ok(io!.concurrencyPerWorker > 1);
    assert.equal(memory!.runtime, 'processes');
    assert.ok(memory!.memoryLimitMb! >= 512);
  });
});
