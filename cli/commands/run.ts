// `codelets run <file>#<name> --args '<json array>' [--json]`: runs an entry codelet on the workspace's
// running agent (recorded in its state folder), on `--agent <url>`, or on an embedded agent for this call.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Agent } from '../../agent/agent';
import { clientFor, runningAgent, workspaceOf } from '../../agent/locate';
import type { RunResponse } from '../../agent/protocol';
import { UsageError } from '../usage-error';

export async function runCommand(target: string, options: { args: string; json?: boolean; agent?: string }): Promise<number> {
  const hash = target.lastIndexOf('#');
  if (hash <= 0 || hash === target.length - 1) throw new UsageError(`expected <file>#<name>, got "${target}"`);
  const file = path.resolve(target.slice(0, hash));
  const name = target.slice(hash + 1);
  if (!existsSync(file)) throw new UsageError(`file ${file} does not exist`);
  let args: unknown;
  try {
    args = JSON.parse(options.args);
  } catch (error) {
    throw new UsageError(`--args is not valid JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(args)) throw new UsageError(`--args must be a JSON array of arguments, got ${typeof args === 'object' ? (args === null ? 'null' : 'an object') : `a ${typeof args}`}`);
  const workspace = workspaceOf(file);
  const entry = `${path.relative(workspace, file).split(path.sep).join('/')}#${name}`;

  let response: RunResponse;
  let via: string;
  const running = options.agent ? { client: clientFor(options.agent, workspace) } : await runningAgent(workspace);
  if (running) {
    try {
      response = await running.client.run({ entry, args });
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    via = options.agent ?? ('record' in running ? running.record.url : '');
  } else {
    process.chdir(workspace);
    const agent = await Agent.start({ workspace, listen: false });
    try {
      response = await agent.orchestrator.run({ entry, args, retryUserErrors: 0 });
    } catch (error) {
      throw new UsageError((error as Error).message);
    } finally {
      await agent.close();
    }
    via = 'embedded';
  }

  if (options.json) {
    process.stdout.write(JSON.stringify({ ...response, agent: via }, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) + '\n');
  } else if (response.ok) {
    process.stdout.write(JSON.stringify(response.result, null, 2) + '\n');
  }
  const fleets = [...new Set(response.invocations.map((i) => i.fleet))].join(', ');
  const how = response.decomposition.decomposed ? `decomposed into ${response.decomposition.steps} steps` : `whole (${response.decomposition.reasons.join('; ')})`;
  if (!options.json) process.stderr.write(`${entry}: ${response.ok ? 'ok' : 'failed'} in ${(response.end - response.start).toFixed(1)} ms, ${how}, on ${fleets || 'no fleet'} (${via} agent)\n`);
  if (!response.ok) {
    const e = response.error!;
    process.stderr.write(`error (${e.kind}): ${e.message}\n${e.stack ? e.stack + '\n' : ''}`);
    return 1;
  }
  return 0;
}
