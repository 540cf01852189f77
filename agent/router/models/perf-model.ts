// The execution-time model of one codelet on one fleet, learned from measurements.
// - History: a window of recent times summarised by their typical value (robust.ts: the run the others
//   are relatively closest to), so slow spikes do not move it. Replayed on six recorded bench:feedback
//   runs it predicted single runs better than the Huber mean it replaced: 2–5 points inside a request,
//   1–15 points for a codelet run on its own (timings are skewed; a mean lands above the usual run).
//   A sustained change (the last few runs all far off on the same side) is a new regime: the older runs
//   are dropped, so a fleet that became slow (or recovered) is believed after a handful of runs.
// - Where the time goes: each run's CPU time and waiting (event-loop idle) time, when the worker measured
//   them, summarised the same way. A caller that expects more (or less) contention for the cores than the
//   runs saw can say so (`contention`), and only the computing part of the time is stretched.
// - Size regression, as StarPU's models: where runs report an input size and sizes vary enough,
//   time = a·size^b, fitted in log-log space with Huber weights.
// - The static estimate is the prior: blended with the history until `minRuns` runs exist.
import { huberLine, huberLocation, madScale, median, typicalValue } from './robust';

export interface ModelSettings {
  /** Recent runs kept per model. */
  window: number;
  /** Runs before the history alone is trusted (the prior fades out linearly until then). */
  minRuns: number;
  /** Consecutive runs all beyond `shiftRatio` on the same side that mean the fleet changed. */
  shiftRun: number;
  /** How far off (ratio to the estimate) a run must be to count towards a shift. */
  shiftRatio: number;
  /** Runs with sizes before the regression is used, and the spread of sizes it needs (max/min). */
  regressionMinRuns: number;
  regressionMinSpread: number;
}

export const DEFAULT_MODEL_SETTINGS: ModelSettings = {
  window: 32,
  minRuns: 3,
  shiftRun: 3,
  shiftRatio: 1.6,
  regressionMinRuns: 5,
  regressionMinSpread: 2,
};

export type PredictionBasis = 'history' | 'regression' | 'prior' | 'none';

export interface Prediction {
  /** Expected execution time in ms (NaN when nothing is known: no prior and no runs). */
  ms: number;
  basis: PredictionBasis;
  runs: number;
  /** Robust spread of recent runs (ms), 0 before any. */
  spreadMs: number;
  /**
   * Of the expected time, how much is computing and how much waiting (ms), when runs measured them
   * (absent otherwise). cpuMs + waitMs need not equal ms: CPU time excludes time spent ready but off a core.
   */
  cpuMs?: number;
  waitMs?: number;
}

/** What a run's worker measured besides its wall time. */
export interface RunUsage {
  /** CPU time of the thread or process that ran it (ms). */
  cpuMs?: number;
  /** Time its event loop was idle: waiting on I/O or timers (ms). */
  waitMs?: number;
}

/** The persisted form of one model. */
export interface PerfModelState {
  prior: number | null;
  runs: number;
  /** Recent times (ms), oldest first. */
  times: number[];
  /** Recent [size, ms] pairs for the regression, oldest first. */
  sized: [number, number][];
  lastAt: number | null;
  /** Times the history was reset because the fleet's speed changed. */
  shifts: number;
  /** Recent [cpuMs, waitMs, wall ms] of runs that measured them, oldest first. */
  usage: [number, number, number][];
}

export class PerfModel {
  prior: number | null;
  runs = 0;
  lastAt: number | null = null;
  shifts = 0;
  private times: number[] = [];
  private sized: [number, number][] = [];
  private usage: [number, number, number][] = [];
  /** Recent runs' measured / predicted by the regression. */
  private ratios: number[] = [];
  private cachedEstimate: number | null = null;
  /** Spread and CPU/wait split of the runs: placement asks for them per fleet per step, runs change them rarely. */
  private cachedStats: { spreadMs: number; split: { cpu: number; wait: number } | null } | undefined;
  private cachedFit: { a: number; b: number } | null | undefined;

  constructor(prior: number | null = null, readonly settings: ModelSettings = DEFAULT_MODEL_SETTINGS) {
    this.prior = prior !== null && Number.isFinite(prior) && prior >= 0 ? prior : null;
  }

  observe(ms: number, size?: number, at?: number, usage: RunUsage = {}): void {
    if (!(ms >= 0) || !Number.isFinite(ms)) return;
    const s = this.settings;
    const cpu = usage.cpuMs;
    if (cpu !== undefined && cpu >= 0 && Number.isFinite(cpu)) {
      const wait = usage.waitMs !== undefined && usage.waitMs >= 0 && Number.isFinite(usage.waitMs) ? Math.min(ms, usage.waitMs) : 0;
      this.usage.push([cpu, wait, ms]);
      if (this.usage.length > s.window) this.usage.shift();
    }
    const sizedRun = size !== undefined && size > 0 && Number.isFinite(size);
    // With a regression in use, a change of speed shows as runs off the fitted curve, not off the mean
    // (big inputs are slow without the fleet having changed).
    const fit = sizedRun ? this.fit() : null;
    if (fit) {
      this.ratios.push(ms / (Math.exp(fit.a) * size! ** fit.b));
      if (this.ratios.length > s.shiftRun) this.ratios.shift();
    }
    this.runs++;
    this.lastAt = at ?? this.lastAt;
    this.times.push(ms);
    if (this.times.length > s.window) this.times.shift();
    if (sizedRun) {
      this.sized.push([size!, ms]);
      if (this.sized.length > 2 * s.window) this.sized.shift();
    }
    this.cachedEstimate = null;
    this.cachedStats = undefined;
    this.cachedFit = undefined;
    // Without a fitted curve, a change of speed shows in the times themselves, unless sizes vary (then the
    // times do too, and the curve will tell). Sizes all alike: every call gets much the same input.
    if (fit) this.detectSizedShift();
    else if (!sizedRun || this.sizesAlike()) this.detectShift();
  }

  /**
   * The expected time; for an input of `size` from the regression when there is one. `contention` is the
   * expected stretch of computing time relative to the runs learned from (1: as then; 2: twice as many
   * ready threads per core): the waiting part stays, the rest is scaled.
   */
  predict(size?: number, contention?: number): Prediction {
    const p = this.predictAsSeen(size);
    if (contention === undefined || !Number.isFinite(contention) || contention <= 0 || !Number.isFinite(p.ms)) return p;
    const wait = Math.min(p.ms, p.waitMs ?? 0);
    return { ...p, ms: wait + (p.ms - wait) * contention };
  }

  private predictAsSeen(size?: number): Prediction {
    const s = this.settings;
    const n = this.times.length;
    const { spreadMs, split } = (this.cachedStats ??= { spreadMs: n >= 2 ? madScale(this.times) : 0, split: this.split() });
    if (size !== undefined && size > 0) {
      const fit = this.fit();
      if (fit) {
        const ms = Math.exp(fit.a) * size ** fit.b;
        return { ms, basis: 'regression', runs: this.runs, spreadMs, ...this.scaledSplit(split, ms) };
      }
    }
    if (n === 0) return this.prior === null ? { ms: NaN, basis: 'none', runs: 0, spreadMs: 0 } : { ms: this.prior, basis: 'prior', runs: 0, spreadMs: 0 };
    const estimate = this.estimate();
    if (this.prior === null || n >= s.minRuns) return { ms: estimate, basis: 'history', runs: this.runs, spreadMs, ...this.scaledSplit(split, estimate) };
    // Few runs: the prior counts as (minRuns - n) runs' worth of evidence.
    const w = s.minRuns - n;
    const ms = (w * this.prior + n * estimate) / (w + n);
    return { ms, basis: 'history', runs: this.runs, spreadMs, ...this.scaledSplit(split, ms) };
  }

  /** Typical CPU and wait shares of a run's wall time, from the runs that measured them. */
  private split(): { cpu: number; wait: number } | null {
    const usage = this.usage;
    if (!usage.length) return null;
    const cpu = median(usage.map(([c, , wall]) => Math.min(1, c / Math.max(wall, 1e-6))));
    const wait = median(usage.map(([, w, wall]) => Math.min(1, w / Math.max(wall, 1e-6))));
    return { cpu, wait };
  }

  private scaledSplit(split: { cpu: number; wait: number } | null, ms: number): Pick<Prediction, 'cpuMs' | 'waitMs'> {
    return split ? { cpuMs: split.cpu * ms, waitMs: split.wait * ms } : {};
  }

  toJSON(): PerfModelState {
    return {
      prior: this.prior, runs: this.runs, times: [...this.times], sized: this.sized.map(([a, b]) => [a, b]), lastAt: this.lastAt, shifts: this.shifts,
      usage: this.usage.map(([a, b, c]) => [a, b, c]),
    };
  }

  static fromJSON(state: PerfModelState, settings: ModelSettings = DEFAULT_MODEL_SETTINGS): PerfModel {
    const m = new PerfModel(state.prior, settings);
    m.runs = state.runs;
    m.times = state.times.slice(-settings.window);
    m.sized = state.sized.slice(-2 * settings.window).map(([a, b]) => [a, b]);
    m.lastAt = state.lastAt;
    m.shifts = state.shifts;
    m.usage = state.usage.slice(-settings.window).map(([a, b, c]) => [a, b, c]);
    return m;
  }

  private estimate(): number {
    if (this.cachedEstimate === null) this.cachedEstimate = typicalValue(this.times);
    return this.cachedEstimate;
  }

  private sizesAlike(): boolean {
    let lo = Infinity;
    let hi = 0;
    for (const [size] of this.sized) {
      lo = Math.min(lo, size);
      hi = Math.max(hi, size);
    }
    return hi / lo < this.settings.regressionMinSpread;
  }

  private fit(): { a: number; b: number } | null {
    if (this.cachedFit !== undefined) return this.cachedFit;
    const s = this.settings;
    this.cachedFit = null;
    if (this.sized.length >= s.regressionMinRuns) {
      let lo = Infinity;
      let hi = 0;
      for (const [size] of this.sized) {
        lo = Math.min(lo, size);
        hi = Math.max(hi, size);
      }
      if (hi / lo >= s.regressionMinSpread) {
        const x = this.sized.map(([size]) => Math.log(size));
        const y = this.sized.map(([, ms]) => Math.log(Math.max(ms, 1e-6)));
        const line = huberLine(x, y);
        if (line) this.cachedFit = { a: line.a, b: line.b };
      }
    }
    return this.cachedFit;
  }

  /** The last `shiftRun` sized runs all off the curve by `shiftRatio`, same side: rescale the older ones. */
  private detectSizedShift(): void {
    const { shiftRun, shiftRatio } = this.settings;
    if (this.ratios.length < shiftRun) return;
    const allSlower = this.ratios.every((r) => r > shiftRatio);
    const allFaster = this.ratios.every((r) => r * shiftRatio < 1);
    if (!allSlower && !allFaster) return;
    this.shifts++;
    const factor = median(this.ratios);
    const keep = this.sized.length - shiftRun;
    this.sized = this.sized.map(([size, ms], i): [number, number] => (i >= keep ? [size, ms] : [size, ms * factor]));
    this.times = this.times.slice(-shiftRun);
    this.usage = this.usage.slice(-shiftRun);
    this.ratios = [];
    this.cachedEstimate = null;
    this.cachedStats = undefined;
    this.cachedFit = undefined;
  }

  /**
   * The last `shiftRun` runs all beyond `shiftRatio` of the estimate from the older runs, on the same side:
   * the fleet changed speed. Keep only those recent runs.
   */
  private detectShift(): void {
    const { shiftRun, shiftRatio } = this.settings;
    const n = this.times.length;
    if (n <= shiftRun) return;
    const older = this.times.slice(0, n - shiftRun);
    const recent = this.times.slice(n - shiftRun);
    const base = huberLocation(older);
    if (!(base > 0)) return;
    const allSlower = recent.every((t) => t > base * shiftRatio);
    const allFaster = recent.every((t) => t * shiftRatio < base);
    if (!allSlower && !allFaster) return;
    this.shifts++;
    const factor = median(recent) / base;
    this.times = recent;
    this.usage = this.usage.slice(-shiftRun);
    // Sized runs (too few or too alike for a regression yet) follow the same change.
    this.sized = this.sized.map(([size, ms]): [number, number] => [size, ms * factor]);
    this.cachedEstimate = null;
    this.cachedStats = undefined;
    this.cachedFit = undefined;
  }
}
