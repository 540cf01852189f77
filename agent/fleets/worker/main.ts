// The program every fleet worker runs, as a worker thread (parentPort) or a child process (IPC).
// It loads codelet bundles, calls `invoke.exportPath`, and measures each invocation: wall, CPU of this
// thread (/proc/thread-self/schedstat) or process (cpuUsage), heap growth and sampled peak, bytes out.
import { closeSync, openSync, readSync } from 'node:fs';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import v8 from 'node:v8';
import { isMainThread, parentPort, receiveMessageOnPort, threadId, workerData, type MessagePort } from 'node:worker_threads';
import { deserialise, serialise, SerialisationError } from '../serialise';
import type { DoneMessage, FromWorker, RunMessage, ThreadWorkerData, ToWorker, WorkerError, WorkerMeasurement } from './messages';

process.setSourceMapsEnabled(true);

/** `owned`: bytes of ours that nothing else refers to, moved to the agent's thread instead of copied. */
const send: (message: FromWorker, owned?: Uint8Array) => void = parentPort
  ? (m, owned) => parentPort!.postMessage(m, owned && owned.byteOffset === 0 && owned.byteLength === owned.buffer.byteLength ? [owned.buffer as ArrayBuffer] : undefined)
  : (m) => process.send!(m);

// ---- CPU time of whoever runs invocations here
const cpuNow: () => number = (() => {
  if (!isMainThread) {
    // A thread's own CPU time, in ns, is the first field of its schedstat (Linux).
    try {
      const fd = openSync('/proc/thread-self/schedstat', 'r');
      const buf = Buffer.alloc(96);
      const read = (): number => {
        const n = readSync(fd, buf, 0, buf.length, 0);
        return Number(buf.toString('latin1', 0, n).split(' ', 1)[0]) / 1e6;
      };
      read();
      process.once('exit', () => closeSync(fd));
      return read;
    } catch {
      // Not Linux: fall back to the process (over-counts when threads run side by side).
    }
  }
  return () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
})();

// ---- heap peak: sampled while anything runs (a busy synchronous codelet is sampled at its ends only)
const heapUsed = (): number => v8.getHeapStatistics().used_heap_size;
const running = new Map<string, { peak: number; overlapped: boolean; cancelled: boolean; cpu: number }>();
let sampler: NodeJS.Timeout | undefined;
let lastActive = 0;
function sample(): void {
  const used = heapUsed();
  for (const r of running.values()) if (used > r.peak) r.peak = used;
}

// ---- CPU time per invocation when several run at once on this worker (io fleets run dozens).
// The counter is the thread's (or process's). The synchronous part of a call (up to its first await: for a
// synchronous codelet, all of it) is charged to that invocation alone, since nothing else runs meanwhile.
// What the counter grows by between starts and ends otherwise (continuations after awaits) is shared equally
// among the invocations running then: a thread runs one callback at a time and we do not see whose, so an
// equal split is the unbiased guess. Charging each invocation the whole thread's time, as before, made every
// waiting codelet on a busy io worker look CPU-bound. Alone, an invocation gets all of it.
let accountedAt = 0;
function accountCpu(): void {
  const t = cpuNow();
  if (running.size) {
    const share = (t - accountedAt) / running.size;
    for (const r of running.values()) r.cpu += share;
  }
  accountedAt = t;
}
function chargeCpu(state: { cpu: number }): void {
  const t = cpuNow();
  state.cpu += t - accountedAt;
  accountedAt = t;
}

const requireBundle = createRequire(__filename);

const resolved = new Map<string, (...args: unknown[]) => unknown>();

/** Bundles are content-addressed, so a (bundle, export path) pair always names the same function. */
function resolveExport(bundle: string, exportPath: string[]): (...args: unknown[]) => unknown {
  const key = bundle + '\0' + exportPath.join('\0');
  let fn = resolved.get(key);
  if (!fn) resolved.set(key, (fn = loadExport(bundle, exportPath)));
  return fn;
}

function loadExport(bundle: string, exportPath: string[]): (...args: unknown[]) => unknown {
  let owner: unknown = undefined;
  let value: unknown = requireBundle(bundle);
  for (const key of exportPath) {
    owner = value;
    value = value == null ? undefined : (value as Record<string, unknown>)[key];
    // esbuild's CJS output puts `export default` under `default`; a CJS module's own exports are the module.
    if (value === undefined && key === 'default') value = owner;
  }
  if (typeof value !== 'function') throw new TypeError(`export ${exportPath.join('.')} is ${value === undefined ? 'missing' : `a ${typeof value}, not a function`}`);
  const fn = value as (...args: unknown[]) => unknown;
  return owner && typeof owner === 'object' ? fn.bind(owner) : fn;
}

/** The user's frames only: the worker's own frames and Node internals say nothing about their code. */
function userStack(stack: string | undefined): string | undefined {
  if (!stack) return stack;
  const own = /[\\/](agent[\\/]fleets[\\/]worker[\\/]|worker\.js)|node:internal/;
  return stack
    .split('\n')
    .filter((line) => !(/^\s+at /.test(line) && own.test(line)))
    .join('\n');
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

function toWorkerError(error: unknown, kind: WorkerError['kind']): WorkerError {
  if (error instanceof SerialisationError) return { kind: 'serialisation', name: error.name, message: error.message };
  if (error instanceof Error) return { kind, name: error.name, message: error.message, stack: userStack(error.stack) };
  return { kind, name: 'Error', message: `non-Error thrown: ${String(error)}` };
}

/**
 * Below this wall time a thread's schedstat counter has not caught up (the kernel updates it at ticks and
 * switches), so the event loop's active time stands in for CPU time: for such runs, and for the first run
 * of a codelet that was short last time on this worker (the counter is not read for those at all).
 */
const SHORT_MS = 2;
/** Last wall time per export: a thread skips its CPU counter for codelets that ran short last time. */
const lastWall = new Map<string, number>();

async function run(message: RunMessage): Promise<void> {
  const state = { peak: 0, overlapped: running.size > 0, cancelled: false, cpu: 0 };
  const key = message.bundle + '\0' + message.exportPath.join('\0');
  // Reading the thread's counter costs a system call each way; for short runs it would not resolve anyway.
  // Only a worker that runs one invocation at a time may skip it: with more, every start and end is accounted.
  const short = !isMainThread && limit === 1 && (lastWall.get(key) ?? Infinity) < SHORT_MS;
  if (!short) accountCpu();
  for (const r of running.values()) r.overlapped = true;
  running.set(message.id, state);
  if (!sampler) {
    // Kept while invocations keep coming; stopped after a quiet second (creating one per call costs).
    sampler = setInterval(() => {
      if (running.size) sample();
      else if (Date.now() - lastActive > 1000) {
        clearInterval(sampler);
        sampler = undefined;
      }
    }, 5).unref();
  }
  // Arguments arrive serialised; reading them is the transfer's cost, not the codelet's, as when they
  // arrived by structured clone before the call.
  let args: unknown[] | undefined;
  let unreadable: unknown;
  try {
    args = message.args.map((bytes) => deserialise(bytes));
  } catch (error) {
    unreadable = new SerialisationError(`the arguments of ${message.codelet} cannot be read: ${(error as Error).message}`);
  }
  const heapBefore = heapUsed();
  state.peak = heapBefore;
  const t0 = performance.now();
  const start = performance.timeOrigin + t0;
  const elu0 = performance.eventLoopUtilization();
  let done: DoneMessage;
  let fn: ((...args: unknown[]) => unknown) | undefined;
  if (unreadable) done = { t: 'done', id: message.id, ok: false, error: toWorkerError(unreadable, 'user'), m: measure() };
  else {
    try {
      fn = resolveExport(message.bundle, message.exportPath);
    } catch (error) {
      done = { t: 'done', id: message.id, ok: false, error: toWorkerError(error, 'load'), m: measure() };
    }
  }
  if (fn) {
    try {
      const pending = fn(...args!);
      if (!short) chargeCpu(state);
      // A synchronous codelet is finished here. Awaiting its value anyway would let the continuations of
      // others on this worker run first, and their time would be measured as this one's.
      const value = isThenable(pending) ? await pending : pending;
      // Serialised here, once: what cannot cross fails with its path, the length is the bytes out, and the
      // agent forwards these bytes to the steps that consume them.
      const result = serialise(value, `the result of ${message.codelet}`);
      done = { t: 'done', id: message.id, ok: true, result, m: measure(result.length) };
    } catch (error) {
      done = { t: 'done', id: message.id, ok: false, error: toWorkerError(error, 'user'), m: measure() };
    }
  }
  function measure(bytesOut = 0): WorkerMeasurement {
    const t1 = performance.now();
    const elu = performance.eventLoopUtilization(elu0);
    lastWall.set(key, t1 - t0);
    if (!short) accountCpu();
    const cpuMs = short || (!isMainThread && !state.overlapped && t1 - t0 < SHORT_MS) ? elu.active : state.cpu;
    // Overlapped, the thread's idle time is not this invocation's waiting: it also waited while others ran.
    const idleMs = state.overlapped ? Math.max(0, t1 - t0 - cpuMs) : elu.idle;
    const heapAfter = heapUsed();
    return { start, end: performance.timeOrigin + t1, cpuMs, idleMs, heapBefore, heapAfter, heapPeak: Math.max(state.peak, heapAfter), bytesOut, overlapped: state.overlapped };
  }
  running.delete(message.id);
  lastActive = Date.now();
  if (!state.cancelled) send(done!, done!.ok ? done!.result : undefined);
  const next = held.shift();
  if (next) void run(next);
  else if (running.size === 0) waitForWork();
}

// A thread fleet may send one invocation ahead of a worker's free slots (see Fleet.pickWorker): it waits
// here, not in the fleet, and starts as soon as a slot frees, without a round trip to the agent.
const limit = (workerData as ThreadWorkerData | undefined)?.concurrency ?? Infinity;
const held: RunMessage[] = [];

function onMessage(message: ToWorker): void {
  if (message.t === 'run') {
    if (running.size >= limit) held.push(message);
    else void run(message);
  } else if (message.t === 'cancel') {
    const r = running.get(message.id);
    if (r) r.cancelled = true;
    const h = held.findIndex((m) => m.id === message.id);
    if (h >= 0) held.splice(h, 1);
  }
}

// Thread workers get work on their own port, with a shared counter the fleet bumps after each message.
// While idle they block on it (Atomics.wait) and take messages synchronously, instead of waking up
// through the event loop: that wake-up is most of a small invocation's round trip. The wait is bounded
// so timers a codelet left behind still run while the worker is idle.
const threadData = workerData as ThreadWorkerData | undefined;
const IDLE_WAIT_MS = 50;
let waiting = false;
/** A resumption of the wait is queued: one at most, or each would block its own slice per loop turn. */
let resumeQueued = false;

function resumeWaitingSoon(): void {
  if (resumeQueued) return;
  resumeQueued = true;
  setImmediate(() => {
    resumeQueued = false;
    waitForWork();
  });
}

function waitForWork(): void {
  // Never while an invocation is in flight: blocking here would hold up its I/O callbacks and timers for up
  // to IDLE_WAIT_MS each (a message that arrived through the event loop can start one between the timed-out
  // wait and the setImmediate that resumes it).
  if (!threadData || waiting || running.size > 0) return;
  waiting = true;
  try {
    for (;;) {
      const seen = Atomics.load(threadData.signal, 0);
      const next = receiveMessageOnPort(threadData.port);
      if (next) {
        onMessage(next.message as ToWorker);
        if (running.size > 0) return;
        continue;
      }
      Atomics.store(threadData.signal, 1, 1);
      const woke = Atomics.wait(threadData.signal, 0, seen, IDLE_WAIT_MS);
      Atomics.store(threadData.signal, 1, 0);
      if (woke === 'timed-out') {
        // Back to the event loop for a turn: timers and callbacks a codelet left behind run there.
        resumeWaitingSoon();
        return;
      }
    }
  } finally {
    waiting = false;
  }
}

if (threadData) {
  threadData.port.on('message', onMessage);
  resumeWaitingSoon();
} else if (parentPort) parentPort.on('message', onMessage);
else {
  process.on('message', (m) => onMessage(m as ToWorker));
  // The agent is gone: nothing will collect our results.
  process.on('disconnect', () => process.exit(0));
}
send({ t: 'ready', pid: process.pid, threadId });
