// `codelets agent`: runs the companion agent until interrupted. Prints its URL and token file when ready.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { Agent } from '../../agent/agent';
import { PLACEMENT_POLICIES, type PlacementPolicy } from '../../agent/router/learning';
import { UsageError } from '../usage-error';

const PLAN_ALGORITHMS = ['peft', 'heft', 'best', 'off'] as const;

export async function agentCommand(options: { host: string; port: number; workspace: string; state?: string; placement?: string; cheapestWithin?: string; plan?: string }): Promise<number> {
  const workspace = path.resolve(options.workspace);
  if (!existsSync(workspace) || !statSync(workspace).isDirectory()) throw new UsageError(`workspace folder ${workspace} does not exist`);
  const placement = (options.placement ?? 'learned') as PlacementPolicy;
  if (!PLACEMENT_POLICIES.includes(placement)) throw new UsageError(`--placement: unknown policy "${options.placement}"; use ${PLACEMENT_POLICIES.join(' or ')}`);
  let cheapestWithin: number | undefined;
  if (options.cheapestWithin !== undefined) {
    cheapestWithin = Number(options.cheapestWithin.replace(/%$/, ''));
    if (!Number.isFinite(cheapestWithin) || cheapestWithin < 0 || cheapestWithin > 1000) throw new UsageError(`--cheapest-within: expected a percentage from 0 to 1000, got "${options.cheapestWithin}"`);
    if (placement !== 'learned') throw new UsageError('--cheapest-within applies to --placement learned only');
  }
  const plan = options.plan as (typeof PLAN_ALGORITHMS)[number] | undefined;
  if (plan !== undefined) {
    if (!PLAN_ALGORITHMS.includes(plan)) throw new UsageError(`--plan: unknown algorithm "${options.plan}"; use ${PLAN_ALGORITHMS.join(', ')}`);
    if (placement !== 'learned') throw new UsageError('--plan applies to --placement learned only');
  }
  const adaptive = {
    ...(cheapestWithin === undefined ? {} : { scoring: { cheapestWithin: cheapestWithin / 100 } }),
    ...(plan === undefined ? {} : { plan: { algorithm: plan } }),
  };
  // Worker threads share the agent's working directory: codelets resolve relative paths from the workspace.
  process.chdir(workspace);
  const agent = await Agent.start({
    workspace,
    stateDir: options.state ? path.resolve(options.state) : undefined,
    host: options.host,
    port: options.port,
    record: true,
    placement,
    ...(Object.keys(adaptive).length ? { adaptive } : {}),
    log: (line) => process.stderr.write(`codelets agent: ${line}\n`),
  });
  process.stdout.write(`codelets agent listening on ${agent.url}\ntoken file: ${agent.tokenFile}\nworkspace: ${agent.workspace}\nstate: ${agent.stateDir}\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await agent.close();
  return 0;
}
