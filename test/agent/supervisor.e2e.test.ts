// The extension's agent supervisor (no VS Code needed): starts `codelets agent` from dist/cli.js when
// none runs, reuses a recorded one, restarts it when it dies; and the argument check of the run command.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { validateArgs } from '../../extension/agent/args';
import { AgentSupervisor, type AgentState } from '../../extension/agent/supervisor';
import { fixtureCopy, ROOT } from './support/spawn';
import { until } from './support/until';


describe('agent supervisor', () => {
  const ws = fixtureCopy();
  const cliPath = path.join(ROOT, 'dist', 'cli.js');
  const supervisors: AgentSupervisor[] = [];
  after(() => {
    for (const s of supervisors) s.dispose();
    rmSync(ws, { recursive: true, force: true });
  });

  it('starts an agent when first needed, shares it, and restarts it when it dies', async () => {
    const states: AgentState[] = [];
    const s = new AgentSupervisor({ workspace: ws, cliPath });
    supervisors.push(s);
    s.onState((state) => states.push(state));
    const client = await s.ensure();
    assert.deepEqual(states, ['starting', 'ready']);
    const r = await client.run({ entry: 'src/math.ts#add', args: [40, 2] });
    assert.equal(r.result, 42);

    // Another window on the same folder uses the recorded agent instead of starting a second one.
    const other = new AgentSupervisor({ workspace: ws, cliPath });
    supervisors.push(other);
    const shared = await other.ensure();
    assert.equal((await shared.health()).pid, s.pid());
    assert.equal(other.pid(), undefined);

    const first = s.pid()!;
    process.kill(first, 'SIGKILL');
    await until('a restarted agent', () => s.state === 'ready' && s.pid() !== undefined && s.pid() !== first);
    const again = await s.ensure();
    assert.equal((await again.run({ entry: 'src/math.ts#square', args: [9] })).result, 81);
    assert.ok(states.filter((x) => x === 'starting').length >= 2);
  });

  it('says what is wrong with typed arguments', () => {
    assert.equal(validateArgs('["data", 3]'), undefined);
    assert.match(validateArgs('[data')!, /Not valid JSON/);
    assert.match(validateArgs('{"a": 1}')!, /JSON array/);
  });
});
