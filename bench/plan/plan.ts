// bench:plan — whole-request placement on the real agent with the example (examples/src/service.ts#handleReport,
// args ["data"]: two loaders, then four independent steps and two counts; the real analyser; the default
// fleets at fixed size; requests over HTTP, one at a time). One agent per mode, each with fresh state:
//   off   — each step placed on its own as it becomes ready (the learned placement without plans);
//   heft, peft, best — the request placed as a DAG by that list scheduler, re-planned as steps end.
// Each agent first serves WARMUP requests (its models learn; exploration as usual), then REQUESTS more,
// interleaved across the modes (request i of every mode, then i + 1…) so load drift hits all alike.
// Reported per mode over the measured requests: request wall time (median, p90), planning time per request
// (the latest step's `plan.planningMs`), re-plans per request, and how the steps were placed (followed the
// plan / exploration overrode it / the scores, the plan's fleet being unusable).
//   npm run bench:plan [-- --warmup 30 --requests 60 --budget 0.5 --json]
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Agent } from '../../agent/agent';
import { AgentClient } from '../../agent/client';
import { fixedSizeDefaultFleets } from '../fixed-fleets';
import type { RunResponse } from '../../agent/protocol';
import type { PlanSettings } from '../../agent/router/adaptive';

const { values } = parseArgs({ options: { warmup: { type: 'string', default: '30' }, requests: { type: 'string', default: '60' }, budget: { type: 'string', default: '0.5' }, json: { type: 'boolean', default: false } } });
const WARMUP = Number(values.warmup);
const REQUESTS = Number(values.requests);
const EXAMPLES = path.resolve(__dirname, '../../examples');
const ENTRY = 'src/service.ts#handleReport';
const MODES: PlanSettings['algorithm'][] = ['off', 'heft', 'peft', 'best'];

const quantile = (xs: number[], q: number): number => {
  const s = xs.slice().sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))]! : NaN;
};
const r2 = (x: number): number => +x.toFixed(2);

async function main(): Promise<void> {
  process.chdir(EXAMPLES);
  const load0 = os.loadavg().map(r2);
  const t0 = performance.now();
  const agents = await Promise.all(
    MODES.map(async (algorithm) => {
      const state = mkdtempSync(path.join(os.tmpdir(), 'codelets-bench-plan-'));
      const agent = await Agent.start({ workspace: EXAMPLES, stateDir: state, fleets: fixedSizeDefaultFleets(), adaptive: { plan: { algorithm, budgetMs: Number(values.budget) } } });
      return { algorithm, agent, state, client: new AgentClient(agent.url, agent.token), measured: [] as RunResponse[] };
    }),
  );
  try {
    for (let i = 0; i < WARMUP + REQUESTS; i++) {
      // Rotate which mode goes first, so none always follows the same neighbour.
      for (let k = 0; k < agents.length; k++) {
        const a = agents[(i + k) % agents.length]!;
        const r = await a.client.run({ entry: ENTRY, args: ['data'] });
        if (!r.ok) throw new Error(`${a.algorithm}: request ${i + 1} failed: ${r.error!.message}`);
        if (i >= WARMUP) a.measured.push(r);
      }
    }
  } finally {
    for (const a of agents) {
      await a.agent.close();
      rmSync(a.state, { recursive: true, force: true });
    }
  }
  const modes = agents.map(({ algorithm, measured }) => {
    const wall = measured.map((r) => r.end - r.start);
    const last = (r: RunResponse) => r.invocations.map((i) => i.explanation?.plan).filter((p) => p !== undefined).sort((a, b) => b.planningMs - a.planningMs)[0];
    const planning = measured.map((r) => last(r)?.planningMs ?? 0);
    const replans = measured.map((r) => last(r)?.replans ?? 0);
    const steps = measured.flatMap((r) => r.invocations);
    const share = (f: (i: (typeof steps)[number]) => boolean) => r2(steps.filter(f).length / Math.max(1, steps.length));
    return {
      mode: algorithm,
      requests: measured.length,
      stepsPerRequest: r2(steps.length / Math.max(1, measured.length)),
      requestMs: { median: r2(quantile(wall, 0.5)), p90: r2(quantile(wall, 0.9)) },
      planningMsPerRequest: { median: r2(quantile(planning, 0.5)), p90: r2(quantile(planning, 0.9)) },
      replansPerRequest: r2(replans.reduce((a, b) => a + b, 0) / Math.max(1, replans.length)),
      steps: {
        followedPlan: share((i) => i.explanation?.plan?.followed === 'plan'),
        explored: share((i) => !!i.explanation?.explored),
        byScores: share((i) => i.explanation?.plan?.followed === 'scores'),
      },
      fleets: Object.fromEntries([...new Set(steps.map((i) => i.fleet))].sort().map((f) => [f, steps.filter((i) => i.fleet === f).length])),
    };
  });
  const out = { entry: ENTRY, warmup: WARMUP, requests: REQUESTS, budgetMsOfBest: Number(values.budget), cores: os.availableParallelism(), loadAverage: { start: load0, end: os.loadavg().map(r2) }, seconds: r2((performance.now() - t0) / 1000), modes };
  if (values.json) {
    console.log(JSON.stringify(out));
    return;
  }
  console.log(`${ENTRY} ["data"], ${WARMUP} warm-up + ${REQUESTS} measured requests per mode, interleaved; default fleets at fixed size`);
  console.log('mode  request ms (median / p90)  planning ms/request (median / p90)  re-plans/request  steps: plan / explored / scores   steps per fleet');
  for (const m of modes) {
    console.log(
      `${m.mode.padEnd(5)} ${`${m.requestMs.median} / ${m.requestMs.p90}`.padStart(20)}  ${`${m.planningMsPerRequest.median} / ${m.planningMsPerRequest.p90}`.padStart(32)}  ${String(m.replansPerRequest).padStart(16)}  ${`${m.steps.followedPlan} / ${m.steps.explored} / ${m.steps.byScores}`.padStart(30)}   ${JSON.stringify(m.fleets)}`,
    );
  }
  console.log(`(${out.seconds} s; load average ${load0.join(' ')} at start, ${out.loadAverage.end.join(' ')} at end, on ${out.cores} cores)`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
