// Finding things for the CLI: the workspace of a file, and a running agent recorded in a state folder.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { AgentClient } from './client';
import { defaultStateDir, readAgentRecord, type AgentRecord } from './state';

/** The nearest folder above `file` with a tsconfig.json or package.json, else the file's own folder. */
export function workspaceOf(file: string): string {
  const start = path.dirname(path.resolve(file));
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'tsconfig.json')) || existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) return start;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A client of the agent recorded for this workspace, if it is alive and answers; else undefined. */
export async function runningAgent(workspace: string, stateDir = defaultStateDir(workspace)): Promise<{ client: AgentClient; record: AgentRecord } | undefined> {
  const record = readAgentRecord(stateDir);
  if (!record || !alive(record.pid)) return undefined;
  try {
    const client = AgentClient.fromTokenFile(record.url, record.tokenFile);
    await client.health();
    return { client, record };
  } catch {
    return undefined;
  }
}

/** A client for an explicit URL: the token comes from $CODELETS_TOKEN or the workspace's token file. */
export function clientFor(url: string, workspace: string): AgentClient {
  const token = process.env.CODELETS_TOKEN ?? readToken(path.join(defaultStateDir(workspace), 'agent.token'));
  return new AgentClient(url, token);
}

function readToken(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    throw new Error(`no token for the agent: set CODELETS_TOKEN or run the agent with this workspace (${file} is missing)`);
  }
}
