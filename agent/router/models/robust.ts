// Robust statistics for execution times: a slow outlier (GC pause, cold cache, a noisy neighbour) must not
// drag an estimate, or every later placement would flee a good fleet.

export function median(xs: ArrayLike<number>): number {
  const n = xs.length;
  if (n === 0) return NaN;
  const s = Float64Array.from(xs as ArrayLike<number>).sort();
  const m = n >> 1;
  return n % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Median absolute deviation scaled to estimate a normal standard deviation (1.4826 · MAD). */
export function madScale(xs: ArrayLike<number>, center = median(xs)): number {
  const d = Float64Array.from(xs as ArrayLike<number>, (x) => Math.abs(x - center));
  return 1.4826 * median(d);
}

/**
 * Huber M-estimate of location: observations within k·scale of the estimate count fully, farther ones with
 * weight k·scale/|residual|, so one spike moves it by at most about k·scale/n. Starts from the median.
 */
export function huberLocation(xs: ArrayLike<number>, k = 1.5, iterations = 8): number {
  const n = xs.length;
  if (n === 0) return NaN;
  let mu = median(xs);
  // A floor on the scale keeps identical samples (MAD 0) from giving every other sample weight 0.
  const scale = Math.max(madScale(xs, mu), Math.abs(mu) * 0.01, 1e-9);
  const c = k * scale;
  for (let it = 0; it < iterations; it++) {
    let sw = 0;
    let swx = 0;
    for (let i = 0; i < n; i++) {
      const r = Math.abs(xs[i]! - mu);
      const w = r <= c ? 1 : c / r;
      sw += w;
      swx += w * xs[i]!;
    }
    const next = swx / sw;
    if (Math.abs(next - mu) <= 1e-9 * Math.max(1, Math.abs(mu))) return next;
    mu = next;
  }
  return mu;
}

/**
 * Huber-weighted least squares fit of y = a + b·x (iteratively reweighted). Returns null when x has no
 * spread (a slope cannot be told).
 */
export function huberLine(x: ArrayLike<number>, y: ArrayLike<number>, k = 1.5, iterations = 6): { a: number; b: number; scale: number } | null {
  const n = x.length;
  if (n < 2) return null;
  const w = new Float64Array(n).fill(1);
  let a = 0;
  let b = 0;
  const residuals = new Float64Array(n);
  let scale = 0;
  for (let it = 0; it <= iterations; it++) {
    let sw = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (let i = 0; i < n; i++) {
      const wi = w[i]!;
      sw += wi;
      sx += wi * x[i]!;
      sy += wi * y[i]!;
      sxx += wi * x[i]! * x[i]!;
      sxy += wi * x[i]! * y[i]!;
    }
    const det = sw * sxx - sx * sx;
    if (!(Math.abs(det) > 1e-12 * Math.max(1, sw * sxx))) return null;
    b = (sw * sxy - sx * sy) / det;
    a = (sy - b * sx) / sw;
    for (let i = 0; i < n; i++) residuals[i] = y[i]! - a - b * x[i]!;
    scale = Math.max(madScale(residuals, 0), 1e-3);
    const c = k * scale;
    for (let i = 0; i < n; i++) {
      const r = Math.abs(residuals[i]!);
      w[i] = r <= c ? 1 : c / r;
    }
  }
  return { a, b, scale };
}

/**
 * The typical value of positive samples: the sample the others are closest to in relative terms (the one
 * minimising the median of |c − x| / x). Execution times are skewed (preemption, GC and cold caches only
 * ever add time) and often bimodal; a mean, even a robust one, lands between the usual run and the slow
 * ones and misses both, where this picks the centre of the densest group of runs. Quadratic in the sample
 * count: meant for a model's window of a few dozen runs.
 */
export function typicalValue(xs: ArrayLike<number>): number {
  const n = xs.length;
  if (n === 0) return NaN;
  const errors = new Float64Array(n);
  let best = NaN;
  let bestError = Infinity;
  for (let i = 0; i < n; i++) {
    const c = xs[i]!;
    for (let j = 0; j < n; j++) errors[j] = Math.abs(c - xs[j]!) / Math.max(xs[j]!, 1e-9);
    const e = median(errors);
    if (e < bestError) [best, bestError] = [c, e];
  }
  return best;
}
