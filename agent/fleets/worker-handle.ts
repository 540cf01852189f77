// One fleet worker, as a worker thread or a child process, behind one small interface: send a message,
// hear its messages and its death. The fleet decides what to send; this only starts, talks and kills.
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { MessageChannel, Worker } from 'node:worker_threads';
import type { FromWorker, ThreadWorkerData, ToWorker } from './worker/messages';

export interface WorkerSpec {
  runtime: 'threads' | 'processes';
  memoryLimitMb?: number;
  cwd: string;
  /** Invocations a worker runs at once (threads hold any extra the fleet sends ahead). */
  concurrency?: number;
}

export interface WorkerHandle {
  readonly id: string;
  readonly runtime: 'threads' | 'processes';
  /** Resolves when the worker's program has started and can take work. */
  readonly ready: Promise<void>;
  send(message: ToWorker): void;
  onMessage(listener: (message: FromWorker) => void): void;
  /** Called once, when the worker is gone for any reason; `reason` says why (crash, OOM, kill). */
  onExit(listener: (reason: string) => void): void;
  /** Hard stop (SIGKILL for processes, terminate() for threads). */
  kill(): void;
}

/** dist/worker.js: next to this bundle when running from dist/, else from the package root (tsx, tests). */
export function workerScript(): string {
  const fromEnv = process.env.CODELETS_WORKER;
  if (fromEnv) return fromEnv;
  let dir = __dirname;
  for (let i = 0; i < 5; i++) {
    for (const candidate of [path.join(dir, 'worker.js'), path.join(dir, 'dist', 'worker.js')]) {
      if (existsSync(candidate) && path.basename(path.dirname(candidate)) === 'dist') return candidate;
    }
    dir = path.dirname(dir);
  }
  throw new Error('cannot find dist/worker.js: run `npm run build` first');
}

let counter = 0;

export function startWorker(spec: WorkerSpec, fleetId: string): WorkerHandle {
  const id = `${fleetId}-${++counter}`;
  return spec.runtime === 'threads' ? threadWorker(id, spec) : processWorker(id, spec);
}

function threadWorker(id: string, spec: WorkerSpec): WorkerHandle {
  const channel = new MessageChannel();
  // [0]: messages sent (bumped per message); [1]: 1 while the worker blocks waiting for one.
  const signal = new Int32Array(new SharedArrayBuffer(8));
  const data: ThreadWorkerData = { port: channel.port2, signal, concurrency: spec.concurrency ?? Infinity };
  const worker = new Worker(workerScript(), {
    resourceLimits: spec.memoryLimitMb ? { maxOldGenerationSizeMb: spec.memoryLimitMb } : undefined,
    workerData: data,
    transferList: [channel.port2],
    stdout: false,
    stderr: false,
  });
  const port = channel.port1;
  let exitListener: ((reason: string) => void) | undefined;
  let reason: string | undefined;
  let exited = false;
  let resolveReady!: () => void;
  const ready = new Promise<void>((r) => (resolveReady = r));
  worker.on('message', (m: FromWorker) => {
    if (m.t === 'ready') resolveReady();
  });
  worker.on('error', (error: Error & { code?: string }) => {
    reason =
      error.code === 'ERR_WORKER_OUT_OF_MEMORY'
        ? `worker ran out of memory (heap limit ${spec.memoryLimitMb ?? 'default'} MB)`
        : `worker crashed: ${error.message}`;
  });
  worker.on('exit', (code) => {
    exited = true;
    port.close();
    resolveReady();
    exitListener?.(reason ?? `worker exited (code ${code})`);
  });
  return {
    id,
    runtime: 'threads',
    ready,
    send: (m) => {
      if (exited) return;
      port.postMessage(m);
      // Wakes the worker if it is blocked waiting for work (see worker/main.ts).
      Atomics.add(signal, 0, 1);
      // Waking costs; a worker that is not blocked reads the message from its event loop anyway. No
      // wake-up is lost: the worker waits only while [0] still holds the count it saw before looking.
      if (Atomics.load(signal, 1) === 1) Atomics.notify(signal, 0, 1);
    },
    onMessage: (l) => worker.on('message', l),
    onExit: (l) => (exitListener = l),
    kill: () => {
      reason ??= 'worker stopped by the agent';
      void worker.terminate();
    },
  };
}

function processWorker(id: string, spec: WorkerSpec): WorkerHandle {
  const execArgv = ['--enable-source-maps'];
  if (spec.memoryLimitMb) execArgv.push(`--max-old-space-size=${spec.memoryLimitMb}`);
  const child: ChildProcess = fork(workerScript(), [], {
    cwd: spec.cwd,
    execArgv,
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let exitListener: ((reason: string) => void) | undefined;
  let stopping = false;
  let exited = false;
  let resolveReady!: () => void;
  const ready = new Promise<void>((r) => (resolveReady = r));
  child.on('message', (m: FromWorker) => {
    if (m.t === 'ready') resolveReady();
  });
  child.on('error', () => {
    // Spawn or IPC failure; 'exit' follows and reports it.
  });
  child.on('exit', (code, signal) => {
    if (exited) return;
    exited = true;
    resolveReady();
    // V8 aborts (SIGABRT / 134) when the heap limit is reached.
    const oom = signal === 'SIGABRT' || code === 134;
    exitListener?.(
      stopping
        ? 'worker stopped by the agent'
        : oom
          ? `worker ran out of memory (heap limit ${spec.memoryLimitMb ?? 'default'} MB)`
          : `worker process died (${signal ? `signal ${signal}` : `exit code ${code}`})`,
    );
  });
  return {
    id,
    runtime: 'processes',
    ready,
    send: (m) => {
      if (!exited && child.connected) child.send(m);
    },
    onMessage: (l) => child.on('message', l as (m: unknown) => void),
    onExit: (l) => (exitListener = l),
    kill: () => {
      stopping = true;
      child.kill('SIGKILL');
    },
  };
}
