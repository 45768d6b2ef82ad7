// Pure helpers shared by the calibration script, the accuracy test and the benchmark:
// the deterministic held-out split, the fit, and the error figures.

/** FNV-1a over UTF-16 code units: a stable, platform-free 32-bit hash. */
export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

export const FOLDS = 5;
/** Fold (0..FOLDS-1) a calibration text belongs to, by its id. Fold 0 is held out of the committed fit. */
export const foldOf = (id: string): number => fnv1a32(id) % FOLDS;
export const isHeldOut = (id: string): boolean => foldOf(id) === 0;

export interface ErrorStats {
  texts: number;
  /** Mean of |estimate − actual| / actual, in percent. */
  meanAbsPct: number;
  /** 90th percentile of |estimate − actual| / actual, in percent. */
  p90AbsPct: number;
  /** Mean of (estimate − actual) / actual, in percent: negative means under-counting. */
  meanSignedPct: number;
  /** Largest |error|, in percent. */
  maxAbsPct: number;
}

export function errorStats(estimates: readonly number[], actuals: readonly number[]): ErrorStats {
  const signed = estimates.map((estimate, i) => ((estimate - actuals[i]!) / actuals[i]!) * 100);
  const absolute = signed.map(Math.abs).sort((a, b) => a - b);
  const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length);
  return {
    texts: signed.length,
    meanAbsPct: mean(absolute),
    p90AbsPct: absolute[Math.min(absolute.length - 1, Math.ceil(0.9 * absolute.length) - 1)] ?? 0,
    meanSignedPct: mean(signed),
    maxAbsPct: absolute[absolute.length - 1] ?? 0,
  };
}

export interface FitRow {
  /** Feature values; the intercept (message frame) is added by the fit. */
  features: ArrayLike<number>;
  actual: number;
  /** Relative importance of this row (e.g. to balance code against prose). */
  weight: number;
}

export interface Fit {
  intercept: number;
  weights: number[];
}

/**
 * Non-negative weighted least squares on relative error: minimises
 * Σ weight·((intercept + w·x − actual) / actual)² + ridge·Σ(scale_j·w_j)², all coefficients ≥ 0,
 * by cyclic coordinate descent on the normal equations (a few dozen unknowns: exact enough, no deps).
 */
export function fitNonNegative(rows: readonly FitRow[], featureCount: number, ridge = 1e-4, sweeps = 30000): Fit {
  const n = featureCount + 1; // column 0 is the intercept
  const gram = new Float64Array(n * n);
  const rhs = new Float64Array(n);
  const x = new Float64Array(n);
  for (const row of rows) {
    const scale = 1 / row.actual;
    x[0] = scale;
    for (let j = 0; j < featureCount; j++) x[j + 1] = (row.features[j] ?? 0) * scale;
    for (let a = 0; a < n; a++) {
      const xa = x[a]! * row.weight;
      if (xa === 0) continue;
      rhs[a]! += xa; // target is 1 after scaling by 1/actual
      for (let b = 0; b < n; b++) gram[a * n + b]! += xa * x[b]!;
    }
  }
  // Ridge proportional to each column's own scale, so it only tames features the data barely sees.
  for (let j = 0; j < n; j++) gram[j * n + j]! += ridge * (gram[j * n + j]! + 1e-9);
  const w = new Float64Array(n);
  for (let sweep = 0; sweep < sweeps; sweep++) {
    let change = 0;
    for (let j = 0; j < n; j++) {
      const diagonal = gram[j * n + j]!;
      if (diagonal <= 0) continue;
      let gradient = -rhs[j]!;
      for (let k = 0; k < n; k++) gradient += gram[j * n + k]! * w[k]!;
      const next = Math.max(0, w[j]! - gradient / diagonal);
      change = Math.max(change, Math.abs(next - w[j]!));
      w[j] = next;
    }
    if (change < 1e-10) break;
  }
  return { intercept: w[0]!, weights: Array.from(w.subarray(1)) };
}

/**
 * Least absolute relative error (robust: a few odd texts do not pull every weight), by
 * iteratively reweighted least squares over fitNonNegative: each pass weighs a row by
 * 1 / its current relative error, floored so near-perfect rows do not dominate.
 */
export function fitNonNegativeL1(rows: readonly FitRow[], featureCount: number, passes = 4, floor = 0.005): Fit {
  let fitted = fitNonNegative(rows, featureCount);
  for (let pass = 0; pass < passes; pass++) {
    const reweighted = rows.map((row) => {
      const relativeError = Math.abs(predict(fitted, row.features) - row.actual) / row.actual;
      return { ...row, weight: row.weight / Math.max(relativeError, floor) };
    });
    fitted = fitNonNegative(reweighted, featureCount);
  }
  return fitted;
}

export function predict(fit: Fit, features: ArrayLike<number>): number {
  let sum = fit.intercept;
  for (let j = 0; j < fit.weights.length; j++) sum += fit.weights[j]! * (features[j] ?? 0);
  return sum;
}
