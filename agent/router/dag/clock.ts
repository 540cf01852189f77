// The clock `best` budgets its search on. Wall time alone makes the result depend on how busy the machine
// is (on a shared box the same 14 ms buys a fifth of the search); CPU time of the calling thread does not.
// Linux gives a thread its own CPU time in /proc/thread-self/schedstat (first field, ns); Node 20 has no
// API for it (process.cpuUsage counts every thread, including the GC's helpers).
import { openSync, readSync } from 'node:fs';

let fd: number | null | undefined;
const buffer = Buffer.alloc(64);

function open(): number | null {
  try {
    // Opened once per thread (each worker thread has its own module instance); re-read at offset 0.
    return openSync('/proc/thread-self/schedstat', 'r');
  } catch {
    return null;
  }
}

/** This thread's CPU time in ms, or null where the system does not report it. */
export function threadCpuMs(): number | null {
  if (fd === undefined) fd = open();
  if (fd === null) return null;
  let length: number;
  try {
    length = readSync(fd, buffer, 0, buffer.length, 0);
  } catch {
    fd = null;
    return null;
  }
  let ns = 0;
  for (let i = 0; i < length; i++) {
    const c = buffer[i]!;
    if (c < 48 || c > 57) break;
    ns = ns * 10 + (c - 48);
  }
  return ns / 1e6;
}

/**
 * Elapsed budget in ms since the call: this thread's CPU time, but never less than wall time / wallFactor,
 * so a starved thread still stops (after wallFactor × the budget of wall time). Falls back to wall time.
 */
export function budgetClock(wallFactor: number): () => number {
  const wall0 = performance.now();
  const cpu0 = threadCpuMs();
  if (cpu0 === null) return () => performance.now() - wall0;
  // The kernel brings a running thread's figure up to date only at scheduler ticks and switches (here
  // every 1–5 ms), so between updates count wall time as CPU time: the thread has been running since the
  // figure last moved (a switch out would have moved it). That errs towards stopping early, by < a tick.
  let lastCpu = cpu0;
  let lastMoved = wall0;
  return () => {
    const now = performance.now();
    const reading = threadCpuMs() ?? lastCpu;
    if (reading !== lastCpu) {
      lastCpu = reading;
      lastMoved = now;
    }
    const cpu = lastCpu - cpu0 + (now - lastMoved);
    const wall = (now - wall0) / wallFactor;
    return cpu > wall ? cpu : wall;
  };
}
