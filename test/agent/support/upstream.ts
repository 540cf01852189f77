// The example's upstream services (examples/upstream/server.mjs) in their own process, on a free loopback
// port; resolves when it listens.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { ROOT } from './spawn';

export interface UpstreamProcess {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

export function startUpstream(latencyMs: number): Promise<UpstreamProcess> {
  const child = spawn(process.execPath, [path.join(ROOT, 'examples/upstream/server.mjs'), '--port', '0', '--latency-ms', String(latencyMs)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`upstream exited (${code}) before listening:\n${err}`)));
    createInterface({ input: child.stdout! }).once('line', (line) => {
      resolve({
        url: (JSON.parse(line) as { url: string }).url,
        child,
        stop: async () => {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          await exited;
        },
      });
    });
  });
}
