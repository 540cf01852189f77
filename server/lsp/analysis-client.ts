// The main thread's side of the analysis worker: starts it on first use, matches replies to requests,
// forwards progress, and fails every waiting request (instead of hanging) if the worker dies.
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { FromWorker, ToWorker } from './analysis-messages';

export type ProblemsListener = (message: Extract<FromWorker, { type: 'problems' }>) => void;

type Pending = { resolve: (m: FromWorker) => void; reject: (e: Error) => void; onProgress?: (done: number, total: number) => void };
type Request = ToWorker extends infer M ? (M extends { seq: number } ? Omit<M, 'seq'> : never) : never;

export class AnalysisInputError extends Error {}

export class AnalysisWorker {
  private worker: Worker | undefined;
  private seq = 0;
  private pending = new Map<number, Pending>();
  /** Receives the problems the worker sends after updates. */
  onProblems: ProblemsListener = () => {};

  constructor(
    readonly log: (line: string) => void,
    /** Next to the bundle that runs the server: dist/server.js or dist/cli.js. */
    private readonly script = path.join(__dirname, 'analysis-worker.js'),
  ) {}

  /** Starts the worker ahead of its first request, so loading the compiler overlaps the LSP handshake. */
  warmUp(): void {
    this.start();
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.script);
    worker.on('message', (message: FromWorker) => {
      if (message.type === 'problems') return this.onProblems(message);
      const waiting = this.pending.get(message.seq);
      if (!waiting) return;
      if (message.type === 'progress') return waiting.onProgress?.(message.done, message.total);
      this.pending.delete(message.seq);
      if (message.type === 'failed') waiting.reject(message.inputError ? new AnalysisInputError(message.message) : new Error(message.message));
      else waiting.resolve(message);
    });
    const fail = (why: string) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      this.log(`analysis worker stopped: ${why}`);
      for (const waiting of this.pending.values()) waiting.reject(new Error(`the analysis worker stopped: ${why}`));
      this.pending.clear();
    };
    worker.on('error', (error) => fail(error.stack ?? error.message));
    worker.on('exit', (code) => fail(`exit code ${code}`));
    this.worker = worker;
    return worker;
  }

  request(message: Request, onProgress?: (done: number, total: number) => void): Promise<FromWorker> {
    const worker = this.start();
    const seq = ++this.seq;
    return new Promise((resolve, reject) => {
      this.pending.set(seq, { resolve, reject, onProgress });
      worker.postMessage({ ...message, seq } as ToWorker);
    });
  }

  async dispose(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }
}
