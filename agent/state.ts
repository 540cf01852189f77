// The agent's state folder: `<workspace>/.codelets/state` by default (a `.gitignore` inside keeps it out
// of git). It holds the bearer token (0600), the record of the running agent (so `codelets run` finds
// it), the history database and the bundle cache.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

export function defaultStateDir(workspace: string): string {
  return path.join(workspace, '.codelets', 'state');
}

export function ensureStateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const ignore = path.join(dir, '.gitignore');
  if (!existsSync(ignore)) writeFileSync(ignore, '# Codelets agent state: history, token, bundles. Not for version control.\n*\n');
}

/** A fresh random token in `<state>/agent.token`, readable only by the user. */
export function writeToken(dir: string): { token: string; file: string } {
  const file = path.join(dir, 'agent.token');
  const token = randomBytes(32).toString('base64url');
  rmSync(file, { force: true });
  writeFileSync(file, token + '\n', { mode: 0o600 });
  chmodSync(file, 0o600);
  return { token, file };
}

export const AgentRecord = z.object({ url: z.string(), pid: z.number().int(), tokenFile: z.string(), workspace: z.string(), started: z.number() });
export type AgentRecord = z.infer<typeof AgentRecord>;

const recordFile = (dir: string): string => path.join(dir, 'agent.json');

export function writeAgentRecord(dir: string, record: AgentRecord): void {
  writeFileSync(recordFile(dir), JSON.stringify(record, null, 2) + '\n', { mode: 0o600 });
}

export function readAgentRecord(dir: string): AgentRecord | undefined {
  try {
    const parsed = AgentRecord.safeParse(JSON.parse(readFileSync(recordFile(dir), 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Removes the record if it is ours (another agent may have replaced it). */
export function clearAgentRecord(dir: string, pid = process.pid): void {
  if (readAgentRecord(dir)?.pid === pid) rmSync(recordFile(dir), { force: true });
}
