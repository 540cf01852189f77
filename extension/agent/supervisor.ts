// Keeps a local agent for one workspace folder: uses the one recorded in its state folder if it answers,
// else starts `codelets agent` (loopback, random port) and restarts it when it dies. Knows nothing of
// VS Code so it can be tested on its own.
import { spawn, type ChildProcess } from 'node:child_process';
import { AgentClient } from '../../agent/client';
import { runningAgent } from '../../agent/locate';

export type AgentState = 'idle' | 'starting' | 'ready' | 'stopped' | 'failed';

export interface SupervisorOptions {
  workspace: string;
  /** dist/cli.js of the extension. */
  cliPath: string;
  /** The Node binary (the extension host's, run as Node). */
  nodePath?: string;
  /** Explicit agent URL (setting); its token comes from $CODELETS_TOKEN or the workspace's state folder. */
  url?: string;
  token?: string;
  autoStart?: boolean;
  log?: (line: string) => void;
  /** Restarts allowed within a minute before giving up until asked again. */
  maxRestartsPerMinute?: number;
}

export class AgentSupervisor {
  private child: ChildProcess | undefined;
  private client: AgentClient | undefined;
  private starting: Promise<AgentClient> | undefined;
  private listeners = new Set<(state: AgentState, detail: string) => void>();
  private restarts: number[] = [];
  private disposed = false;
  state: AgentState = 'idle';
  detail = '';

  constructor(private readonly options: SupervisorOptions) {}

  onState(listener: (state: AgentState, detail: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A client of a live agent, starting one if needed. */
  async ensure(): Promise<AgentClient> {
    if (this.client && this.state === 'ready') {
      try {
        await this.client.health();
        return this.client;
      } catch {
        this.client = undefined;
      }
    }
    this.starting ??= this.connectOrStart().finally(() => (this.starting = undefined));
    return this.starting;
  }

  /**
   * A client of an agent that is already running (ours, one starting, or one recorded in the workspace's
   * state folder); never starts one. For watchers such as the live figures.
   */
  async current(): Promise<AgentClient | undefined> {
    if (this.client && this.state === 'ready') {
      try {
        await this.client.health();
        return this.client;
      } catch {
        // Gone: look for its successor below.
      }
    }
    if (this.starting) return this.starting.catch(() => undefined);
    if (this.disposed || this.child) return undefined;
    try {
      if (this.options.url) {
        const client = new AgentClient(this.options.url, this.options.token ?? process.env.CODELETS_TOKEN ?? '');
        await client.health();
        this.client = client;
        this.set('ready', this.options.url);
        return client;
      }
      const running = await runningAgent(this.options.workspace);
      if (!running) return undefined;
      this.client = running.client;
      this.set('ready', running.record.url);
      return running.client;
    } catch {
      return undefined;
    }
  }

  /** Pid of the agent process this supervisor started (undefined when it uses someone else's). */
  pid(): number | undefined {
    return this.child?.pid;
  }

  dispose(): void {
    this.disposed = true;
    this.child?.kill('SIGTERM');
    this.child = undefined;
  }

  private set(state: AgentState, detail: string): void {
    this.state = state;
    this.detail = detail;
    for (const l of this.listeners) l(state, detail);
  }

  private async connectOrStart(): Promise<AgentClient> {
    const { options } = this;
    if (options.url) {
      const client = new AgentClient(options.url, options.token ?? process.env.CODELETS_TOKEN ?? '');
      await client.health();
      this.client = client;
      this.set('ready', options.url);
      return client;
    }
    const running = await runningAgent(options.workspace);
    if (running) {
      this.client = running.client;
      this.set('ready', running.record.url);
      return running.client;
    }
    if (options.autoStart === false) {
      this.set('stopped', 'no agent is running and starting one is turned off (codelets.agent.autoStart)');
      throw new Error(this.detail);
    }
    return this.start();
  }

  private start(): Promise<AgentClient> {
    const { options } = this;
    this.set('starting', `starting the agent for ${options.workspace}`);
    const child = spawn(options.nodePath ?? process.execPath, [options.cliPath, 'agent', '--workspace', options.workspace, '--host', '127.0.0.1', '--port', '0'], {
      cwd: options.workspace,
      // The extension host may be Electron: make it behave as Node.
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-4000);
      options.log?.(d.toString().trimEnd());
    });
    return new Promise<AgentClient>((resolve, reject) => {
      let out = '';
      let ready = false;
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const url = /listening on (\S+)/.exec(out)?.[1];
        const tokenFile = /token file: (.+)\n/.exec(out)?.[1];
        if (ready || !url || !tokenFile) return;
        ready = true;
        const client = AgentClient.fromTokenFile(url, tokenFile);
        this.client = client;
        options.log?.(`agent ready at ${url} (pid ${child.pid})`);
        this.set('ready', url);
        resolve(client);
      });
      child.once('error', (error) => {
        if (!ready) {
          this.set('failed', `cannot start the agent: ${error.message}`);
          reject(new Error(this.detail));
        }
      });
      child.once('exit', (code, signal) => {
        if (this.child === child) this.child = undefined;
        this.client = undefined;
        const why = `agent exited (${signal ?? `code ${code}`})${stderr ? `: ${stderr.trim().split('\n').slice(-3).join(' | ')}` : ''}`;
        if (!ready) {
          this.set('failed', why);
          reject(new Error(why));
          return;
        }
        if (this.disposed) return;
        options.log?.(why);
        this.restartAfterCrash(why);
      });
    });
  }

  /** Restarts a dead agent at once, unless it keeps dying (then waits until it is next needed). */
  private restartAfterCrash(why: string): void {
    const now = Date.now();
    this.restarts = this.restarts.filter((t) => now - t < 60_000);
    if (this.restarts.length >= (this.options.maxRestartsPerMinute ?? 3)) {
      this.set('stopped', `${why}; restarted too often, will start again when needed`);
      this.restarts = [];
      return;
    }
    this.restarts.push(now);
    this.starting = this.start().finally(() => (this.starting = undefined));
    this.starting.catch(() => {});
  }
}
