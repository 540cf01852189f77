// Starts code-server on a free loopback port with fresh user-data and extensions folders, and stops it
// (its whole process group: server, extension host, pty host, watchers).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export interface RunningCodeServer {
  port: number;
  url: string;
  /** Everything code-server printed, for error messages. */
  output(): string;
  stop(): Promise<void>;
}

export interface CodeServerOptions {
  entry: string;
  /** Fresh folder for this instance: user-data and extensions go inside, wiped first. */
  stateDir: string;
  workspace: string;
  userSettings: Record<string, unknown>;
  env?: Record<string, string>;
  timeoutMs?: number;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

export async function startCodeServer(options: CodeServerOptions): Promise<RunningCodeServer> {
  rmSync(options.stateDir, { recursive: true, force: true });
  const userData = path.join(options.stateDir, 'user-data');
  const extensions = path.join(options.stateDir, 'extensions');
  mkdirSync(path.join(userData, 'User'), { recursive: true });
  mkdirSync(extensions, { recursive: true });
  writeFileSync(path.join(userData, 'User', 'settings.json'), JSON.stringify(options.userSettings, null, 2));

  const port = await freePort();
  const child = spawn(
    process.execPath,
    [
      options.entry,
      '--auth', 'none',
      '--bind-addr', `127.0.0.1:${port}`,
      '--disable-telemetry',
      '--disable-update-check',
      '--user-data-dir', userData,
      '--extensions-dir', extensions,
      options.workspace,
    ],
    // Own process group, so stop() reaches the extension host and every helper process too.
    { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...options.env } },
  );
  let output = '';
  const append = (chunk: Buffer) => {
    output += chunk.toString();
    if (output.length > 200_000) output = output.slice(-100_000);
  };
  child.stdout!.on('data', append);
  child.stderr!.on('data', append);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    killGroup(child, 'SIGTERM');
    const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
    killGroup(child, 'SIGKILL'); // helpers that outlived the server
  };

  const timeoutMs = options.timeoutMs ?? 60_000;
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`code-server did not start listening within ${timeoutMs} ms`)), timeoutMs);
      const check = () => {
        if (output.includes('HTTP server listening on')) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout!.on('data', check);
      child.stderr!.on('data', check);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`code-server exited with code ${code} before listening`));
      });
    });
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\n--- code-server output ---\n${output.slice(-4000)}`);
  }
  return { port, url: `http://127.0.0.1:${port}/`, output: () => output, stop };
}
