// The extension's live-figures feed (no VS Code needed) against a real agent process on a copy of the
// example: nothing is fetched while no agent runs; once the supervisor's agent is ready it listens to
// the stream, lights the edges of the running request from the entry's plan, forwards the measured
// figures after the run, and picks the agent up again after it was killed and restarted.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { LiveFigures } from '../../extension/agent/live-figures';
import { AgentSupervisor } from '../../extension/agent/supervisor';
import { analyzeFolder } from '../../server/analysis/index';
import type { Measured } from '../../server/analysis/metadata';
import type { LiveRequest, LiveStat } from '../../webview/protocol';
import { ROOT } from './support/spawn';
import { until } from './support/until';

const ENTRY = 'src/service.ts#handleReport';
const LOAD_ORDERS = 'src/loaders.ts#loadOrders';


describe('live figures from the agent', () => {
  const ws = mkdtempSync(path.join(os.tmpdir(), 'codelets-live-'));
  cpSync(path.join(ROOT, 'examples'), ws, { recursive: true, filter: (src) => !src.includes(`${path.sep}.codelets`) });
  const plan = analyzeFolder({ root: ws }).codelets.find((c) => c.id === ENTRY)!.plan;
  const supervisor = new AgentSupervisor({ workspace: ws, cliPath: path.join(ROOT, 'dist', 'cli.js') });
  const snapshots: Record<string, Measured>[] = [];
  const stats: LiveStat[][] = [];
  const requests: LiveRequest[] = [];
  const logs: string[] = [];
  const live = new LiveFigures({
    folder: ws,
    supervisor,
    rootIndex: () => 0,
    throttleMs: 100,
    backoff: { initialMs: 100, maxMs: 1000, attempts: 10 },
    sinks: {
      measured: (root, figures) => {
        assert.equal(root, ws);
        snapshots.push(figures);
      },
      live: (update) => {
        if (update.stats) stats.push(update.stats);
        requests.push(...(update.requests ?? []));
      },
      plan: async (entry) => (entry === ENTRY ? plan : undefined),
      log: (line) => logs.push(line),
    },
  });
  after(() => {
    live.dispose();
    supervisor.dispose();
    rmSync(ws, { recursive: true, force: true });
  });

  it('fetches nothing and starts nothing while no agent runs', async () => {
    await live.start();
    assert.equal(live.connected, false);
    assert.equal(supervisor.state, 'idle');
    assert.equal(snapshots.length, 0);
  });

  it('listens once the agent is ready, lights the running request and forwards the figures after it', async () => {
    const client = await supervisor.ensure();
    await until('the stream subscription and first fetch', () => live.connected && snapshots.length > 0);
    assert.equal(snapshots[0][LOAD_ORDERS], undefined, 'no history yet');

    const response = await client.run({ entry: ENTRY, args: ['data'] });
    assert.equal(response.ok, true, JSON.stringify(response.error));
    const figures = await until('figures of loadOrders', () => snapshots.at(-1)?.[LOAD_ORDERS]);
    assert.ok(figures.runs >= 1 && figures.p50Ms > 0, JSON.stringify(figures));
    const stat = await until('a graph stat of loadOrders', () => stats.at(-1)?.find((s) => s.id === LOAD_ORDERS));
    assert.deepEqual({ root: stat.root, runs: stat.runs, p50Ms: stat.p50Ms }, { root: 0, runs: figures.runs, p50Ms: figures.p50Ms });

    // While the request ran, the graph saw data move from the entry into its first steps and on along
    // the data edges; at the end the request went out.
    const mine = requests.filter((r) => r.requestId === response.requestId);
    const lit = mine.flatMap((r) => r.edges.map((e) => `${e.from}>${e.to}`));
    assert.ok(lit.includes(`${ENTRY}>${LOAD_ORDERS}`), `lit: ${JSON.stringify([...new Set(lit)])}`);
    const dataEdge = plan.steps.find((s) => s.dependsOn.length)!;
    const producer = plan.steps.find((s) => s.id === dataEdge.dependsOn[0])!.callee;
    assert.ok(lit.includes(`${producer}>${dataEdge.callee}`), `a data edge into ${dataEdge.callee} was lit: ${JSON.stringify([...new Set(lit)])}`);
    assert.deepEqual(mine.at(-1), { requestId: response.requestId, root: 0, running: [], edges: [], done: true });
  });

  it('reconnects when the agent is killed and restarted', async () => {
    const first = supervisor.pid()!;
    const listening = logs.filter((l) => l.includes('listening')).length;
    process.kill(first, 'SIGKILL');
    await until('a restarted agent', () => supervisor.state === 'ready' && supervisor.pid() !== undefined && supervisor.pid() !== first);
    await until('the stream again', () => live.connected && logs.filter((l) => l.includes('listening')).length > listening);
    const before = snapshots.at(-1)![LOAD_ORDERS]!.runs;
    const client = await supervisor.ensure();
    assert.equal((await client.run({ entry: ENTRY, args: ['data'] })).ok, true);
    // History survives the restart, so the figures count on.
    const after = await until('figures after the restart', () => {
      const m = snapshots.at(-1)?.[LOAD_ORDERS];
      return m && m.runs > before ? m : undefined;
    });
    assert.ok(after.runs > before);
  });
});
