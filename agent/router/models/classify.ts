// Measured profiles refine a codelet's class: the static analysis guesses from the code (loops, awaits,
// allocations); runs show where the wall time actually goes. A codelet called CPU-bound that spends most of
// its wall time waiting is I/O-bound, and the editor should say so (`reason`).
import type { CodeletClass, Profile } from '../../../server/analysis/metadata';

/** Totals over recent runs of one codelet (any fleet). */
export interface MeasuredUsage {
  runs: number;
  wallMs: number;
  /** CPU time of the thread or process that ran it. */
  cpuMs: number;
  /** Peak memory above the worker's baseline (MB), the largest seen. */
  peakMemoryMb?: number;
  /** Time on a GPU, when known. */
  gpuMs?: number;
}

export interface ClassifySettings {
  /** Runs needed before measurements may change the class. */
  minRuns: number;
  /** Below this mean wall time a codelet is trivial whatever it does (ms). */
  trivialMs: number;
  /** Peak memory from which a codelet counts as memory-bound (MB). */
  memoryHeavyMb: number;
}

export const DEFAULT_CLASSIFY: ClassifySettings = { minRuns: 5, trivialMs: 0.5, memoryHeavyMb: 256 };

export interface Reclassification {
  class: CodeletClass;
  profile: Profile;
  /** True when the measured class differs from the static one. */
  changed: boolean;
  /** Why, in words the editor can show ("spends 85 % of its wall time waiting: I/O-bound, not CPU-bound"). */
  reason: string;
}

export function reclassify(staticClass: CodeletClass, usage: MeasuredUsage, settings: ClassifySettings = DEFAULT_CLASSIFY): Reclassification | null {
  if (usage.runs < settings.minRuns || !(usage.wallMs > 0)) return null;
  const cpuShare = Math.min(1, Math.max(0, usage.cpuMs / usage.wallMs));
  const gpuShare = Math.min(1, Math.max(0, (usage.gpuMs ?? 0) / usage.wallMs));
  const waitShare = Math.max(0, 1 - cpuShare - gpuShare);
  const memory = Math.min(1, (usage.peakMemoryMb ?? 0) / (2 * settings.memoryHeavyMb));
  const profile: Profile = { cpu: round(cpuShare), memory: round(memory), io: round(waitShare), gpu: round(gpuShare) };
  const meanMs = usage.wallMs / usage.runs;
  let cls: CodeletClass;
  let why: string;
  const pct = (x: number) => `${Math.round(x * 100)} %`;
  if (meanMs < settings.trivialMs) {
    cls = 'trivial';
    why = `runs in ${meanMs.toFixed(2)} ms on average`;
  } else if (gpuShare >= 0.5) {
    cls = 'gpu';
    why = `spends ${pct(gpuShare)} of its wall time on the GPU`;
  } else if ((usage.peakMemoryMb ?? 0) >= settings.memoryHeavyMb) {
    cls = 'memory-bound';
    why = `peaks at ${Math.round(usage.peakMemoryMb!)} MB`;
  } else if (waitShare >= 0.6) {
    cls = 'io-bound';
    why = `spends ${pct(waitShare)} of its wall time waiting`;
  } else if (cpuShare >= 0.6) {
    cls = 'cpu-bound';
    why = `spends ${pct(cpuShare)} of its wall time computing`;
  } else {
    cls = 'mixed';
    why = `splits its wall time between computing (${pct(cpuShare)}) and waiting (${pct(waitShare)})`;
  }
  const changed = cls !== staticClass;
  const reason = `${why} over ${usage.runs} runs: ${cls}${changed ? `, not ${staticClass} as the code suggested` : ', as the code suggested'}`;
  return { class: cls, profile, changed, reason };
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
