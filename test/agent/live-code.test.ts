// The agent on the real analyser: an edited file is re-analysed and re-bundled before the next request.
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Agent } from '../../agent/agent';
import { AgentClient } from '../../agent/client';
import { testFleets } from './support/fleets';
import { fixtureCopy } from './support/spawn';

describe('agent on the real analyser', () => {
  let ws: string;
  let agent: Agent;
  let client: AgentClient;
  before(async () => {
    ws = fixtureCopy();
    // Class-affinity placement: the busy codelet must land on the cpu fleet, which the test watches.
    agent = await Agent.start({ workspace: ws, fleets: testFleets(), placement: 'class-affinity' });
    client = new AgentClient(agent.url, agent.token);
  });
  after(async () => {
    await agent.close();
    rmSync(ws, { recursive: true, force: true });
  });

  it('runs the analyser plan and picks up edits to the code', async () => {
    const first = await client.run({ entry: 'src/math.ts#pipeline', args: [3] });
    assert.deepEqual(first.result, { label: 'p', sum: 13, product: 36 });
    assert.equal(first.decomposition.decomposed, true, first.decomposition.reasons.join('; '));
    assert.equal((await client.run({ entry: 'src/math.ts#add', args: [1, 2] })).result, 3);

    const file = path.join(ws, 'src', 'math.ts');
    writeFileSync(file, readFileSync(file, 'utf8').replace('return a + b;', 'return a + b + 100;'));
    await new Promise((r) => setTimeout(r, 400));
    assert.equal((await client.run({ entry: 'src/math.ts#add', args: [1, 2] })).result, 103);
    assert.deepEqual((await client.run({ entry: 'src/math.ts#pipeline', args: [3] })).result, { label: 'p', sum: 113, product: 936 });
  });

  it('stops the invocations of a request whose caller hangs up', async () => {
    const abort = new AbortController();
    const pending = client.run({ entry: 'src/math.ts#burn', args: [60_000] }, abort.signal);
    const cpu = async () => (await client.fleets()).fleets.find((f) => f.id === 'cpu')!;
    for (let i = 0; (await cpu()).running === 0; i++) {
      assert.ok(i < 400, 'the busy codelet started');
      await new Promise((r) => setTimeout(r, 25));
    }
    abort.abort();
    await assert.rejects(pending);
    for (let i = 0; (await cpu()).running !== 0; i++) {
      assert.ok(i < 400, 'the busy invocation was stopped');
      await new Promise((r) => setTimeout(r, 25));
    }
    assert.equal((await client.run({ entry: 'src/math.ts#burn', args: [1] })).ok, true);
  });
});
