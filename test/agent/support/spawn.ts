// Starts a real agent process and waits for the line that says where it listens.
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AgentClient } from '../../../agent/client';
import { FIXTURE_WS } from './fixture-catalog';

export const ROOT = path.resolve(__dirname, '../../..');

export interface AgentProcess {
  child: ChildProcess;
  url: string;
  tokenFile: string;
  client: AgentClient;
  stderr: () => string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** `codelets agent` from dist/ (the shipped program), or the fixture launcher (hand-built codelets). */
export function startAgent(kind: 'cli' | 'fixture', args: { workspace: string; state: string; fleetsFile?: string; placement?: 'learned' | 'class-affinity' }): Promise<AgentProcess> {
  const argv =
    kind === 'cli'
      ? [path.join(ROOT, 'bin/codelets.js'), 'agent', '--workspace', args.workspace, '--state', args.state, '--port', '0', ...(args.placement ? ['--placement', args.placement] : [])]
      : ['--import', 'tsx', path.join(__dirname, 'agent-process.ts'), args.workspace, args.state, args.fleetsFile ?? '-', ...(args.placement ? [args.placement] : [])];
  const child = spawn(process.execPath, argv, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`agent did not start in 60 s:\n${err}`)), 60_000);
    child.once('exit', (code) => reject(new Error(`agent exited (${code}) before it was ready:\n${err}`)));
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      let url: string | undefined;
      let tokenFile: string | undefined;
      if (kind === 'cli') {
        url = /listening on (\S+)/.exec(out)?.[1];
        tokenFile = /token file: (.+)\n/.exec(out)?.[1];
      } else if (out.includes('\n')) {
        ({ url, tokenFile } = JSON.parse(out.split('\n')[0]!));
      }
      if (!url || !tokenFile) return;
      clearTimeout(timer);
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      resolve({
        child,
        url,
        tokenFile,
        client: AgentClient.fromTokenFile(url, tokenFile),
        stderr: () => err,
        kill: async (signal = 'SIGTERM') => {
          if (child.exitCode === null && child.signalCode === null) child.kill(signal);
          await exited;
        },
      });
    });
  });
}

/** A private copy of the fixture workspace (tests write configs and markers into it). */
export function fixtureCopy(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'codelets-agent-'));
  cpSync(FIXTURE_WS, dir, { recursive: true });
  return dir;
}
