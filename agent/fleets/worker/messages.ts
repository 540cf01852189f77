// Messages between a fleet and its workers (threads: MessagePort; processes: IPC with
// `serialization: 'advanced'`). Both ends are ours and built together, so this is a typed file, not a
// validated one. Arguments and results travel as V8-serialised bytes (serialise.ts), made once by whoever
// has the value: that catches what cannot cross with a precise error, its length is the invocation's bytes
// in/out, and the agent can forward a result to the next worker without deserialising it.

export interface RunMessage {
  t: 'run';
  id: string;
  codelet: string;
  /** Absolute path of the esbuild bundle (CommonJS, inline source map). */
  bundle: string;
  exportPath: string[];
  /** Each argument, serialised (see PackedValue). */
  args: Uint8Array[];
}
export interface CancelMessage {
  t: 'cancel';
  id: string;
}
export type ToWorker = RunMessage | CancelMessage;

/** Figures a worker measures around one invocation. */
export interface WorkerMeasurement {
  /** Epoch milliseconds. */
  start: number;
  end: number;
  /** CPU time of this invocation: its synchronous part, plus its share of the worker's time while it overlapped others. */
  cpuMs: number;
  /**
   * Time this invocation waited (I/O, timers): the worker's event-loop idle time when it ran alone; when it
   * overlapped others, its wall time less its CPU time (the loop was also busy with the others meanwhile).
   */
  idleMs: number;
  heapBefore: number;
  heapAfter: number;
  heapPeak: number;
  bytesOut: number;
  /** Other invocations running in the same worker at some point during this one (CPU time is shared out). */
  overlapped: boolean;
}

export interface WorkerError {
  kind: 'user' | 'serialisation' | 'load';
  name: string;
  message: string;
  /** With source maps applied: original TypeScript files and lines. */
  stack?: string;
}

export type DoneMessage =
  | { t: 'done'; id: string; ok: true; /** The serialised result. */ result: Uint8Array; m: WorkerMeasurement }
  | { t: 'done'; id: string; ok: false; error: WorkerError; m: WorkerMeasurement };
export interface ReadyMessage {
  t: 'ready';
  pid: number;
  threadId: number;
}
export type FromWorker = ReadyMessage | DoneMessage;

/** What a thread worker gets at start: the port work arrives on, and the counter bumped per message. */
export interface ThreadWorkerData {
  port: import('node:worker_threads').MessagePort;
  /** [0]: messages sent; [1]: 1 while the worker blocks waiting. */
  signal: Int32Array;
  /** Invocations run at once; more that arrive wait in the worker, in order. */
  concurrency: number;
}
