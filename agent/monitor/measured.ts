// The `measured` figures of a codelet (merged into its metadata, shown by the editor) from its history.
// The class comes from the router's reclassification of measured usage, so the agent, placement and the
// editor's measured-vs-static diagnostic agree, and it carries the reason in words.
// Shares of wall time: waiting is the worker's event-loop idle time (I/O and timers); the rest counts as
// computing (also when ready but waiting for a core on a busy machine: still CPU-bound work). Memory is
// heap growth per run.
import type { CodeletClass, Measured } from '../../server/analysis/metadata';
import { reclassify } from '../router/models';
import { percentile, type CodeletAggregate } from './history';

/** Heap growth per run from which a codelet counts as memory-bound. */
const MEMORY_BOUND_MB = 32;
/** Below this mean wall time a codelet is trivial whatever it does. */
const TRIVIAL_MS = 1;

export function toMeasured(a: CodeletAggregate, staticClass?: CodeletClass): Measured {
  const p50 = percentile(a.walls, 50);
  const p95 = percentile(a.walls, 95);
  const n = Math.max(1, a.walls.length);
  const meanWall = Math.max(1e-6, a.walls.reduce((s, w) => s + w, 0) / n);
  const busy = Math.max(0, meanWall - Math.min(meanWall, a.meanIoWaitMs));
  const usage = { runs: n, wallMs: meanWall * n, cpuMs: busy * n, peakMemoryMb: Math.max(0, a.meanHeapGrowth) / 2 ** 20 };
  // Every run counts here (the placement decides itself how many it needs before trusting the class).
  const r = reclassify(staticClass ?? 'mixed', usage, { minRuns: 1, trivialMs: TRIVIAL_MS, memoryHeavyMb: MEMORY_BOUND_MB });
  const fleet = Object.entries(a.byFleet).sort((x, y) => y[1] - x[1])[0]?.[0];
  // Without the analyser's class (a codelet no longer in the workspace) there is nothing to compare with.
  const reason = r && (staticClass ? r.reason : r.reason.replace(/, (not \S+ )?as the code suggested$/, ''));
  return {
    runs: a.runs,
    p50Ms: p50,
    p95Ms: p95,
    class: r?.class ?? 'trivial',
    profile: r?.profile ?? { cpu: 0, memory: 0, io: 0, gpu: 0 },
    ...(fleet ? { fleet } : {}),
    ...(reason ? { reason } : {}),
  };
}
