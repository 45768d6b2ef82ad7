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
  /** Tokens a part of the model fitted elsewhere adds to this row's prediction. */
  offset?: number;
}

export interface Fit {
  intercept: number;
  weights: number[];
}

export interface FitOptions {
  /** Ridge on each coefficient, proportional to its column's own scale, so it only tames features the data barely sees. */
  ridge?: number;
  /** Per feature: the value the ridge pulls towards (default 0), e.g. the pooled weight of all scripts. */
  prior?: ArrayLike<number>;
  /** Per feature: ridge strength (default `ridge`). */
  priorStrength?: ArrayLike<number>;
  sweeps?: number;
}

/**
 * Non-negative weighted least squares on relative error: minimises
 * Σ weight·((intercept + w·x − actual) / actual)² + Σ ridge_j·scale_j·(w_j − prior_j)², all
 * coefficients ≥ 0, by cyclic coordinate descent on the normal equations (a few hundred
 * unknowns: exact enough, no deps).
 */
export function fitNonNegative(rows: readonly FitRow[], featureCount: number, options: FitOptions = {}): Fit {
  const { ridge = 1e-4, prior, priorStrength, sweeps = 20000 } = options;
  const n = featureCount + 1; // column 0 is the intercept
  const gram = new Float64Array(n * n);
  const rhs = new Float64Array(n);
  const x = new Float64Array(n);
  const nonZero = new Int32Array(n);
  for (const row of rows) {
    const scale = 1 / row.actual;
    let count = 0;
    x[0] = scale;
    nonZero[count++] = 0;
    for (let j = 0; j < featureCount; j++) {
      const value = (row.features[j] ?? 0) * scale;
      x[j + 1] = value;
      if (value !== 0) nonZero[count++] = j + 1;
    }
    for (let p = 0; p < count; p++) {
      const a = nonZero[p]!;
      const xa = x[a]! * row.weight;
      rhs[a]! += xa * (1 - (row.offset ?? 0) * scale); // target is 1 − offset after scaling by 1/actual
      for (let q = 0; q < count; q++) {
        const b = nonZero[q]!;
        gram[a * n + b]! += xa * x[b]!;
      }
    }
  }
  for (let j = 0; j < n; j++) {
    const strength = j === 0 ? ridge : (priorStrength?.[j - 1] ?? ridge);
    const penalty = strength * (gram[j * n + j]! + 1e-9);
    gram[j * n + j]! += penalty;
    if (j > 0 && prior) rhs[j]! += penalty * (prior[j - 1] ?? 0);
  }
  const w = new Float64Array(n);
  for (let j = 1; j < n; j++) w[j] = Math.max(0, prior?.[j - 1] ?? 0);
  for (let sweep = 0; sweep < sweeps; sweep++) {
    let change = 0;
    for (let j = 0; j < n; j++) {
      const diagonal = gram[j * n + j]!;
      if (diagonal <= 0) continue;
      let gradient = -rhs[j]!;
      const rowOffset = j * n;
      for (let k = 0; k < n; k++) gradient += gram[rowOffset + k]! * w[k]!;
      const next = Math.max(0, w[j]! - gradient / diagonal);
      change = Math.max(change, Math.abs(next - w[j]!));
      w[j] = next;
    }
    if (change < 1e-9) break;
  }
  return { intercept: w[0]!, weights: Array.from(w.subarray(1)) };
}

/**
 * Least absolute relative error (robust: a few odd texts do not pull every weight), by
 * iteratively reweighted least squares over fitNonNegative: each pass weighs a row by
 * 1 / its current relative error, floored so near-perfect rows do not dominate.
 */
export function fitNonNegativeL1(rows: readonly FitRow[], featureCount: number, options: FitOptions = {}, passes = 4, floor = 0.005): Fit {
  let fitted = fitNonNegative(rows, featureCount, options);
  for (let pass = 0; pass < passes; pass++) {
    const reweighted = rows.map((row) => {
      const relativeError = Math.abs(predict(fitted, row.features) + (row.offset ?? 0) - row.actual) / row.actual;
      return { ...row, weight: row.weight / Math.max(relativeError, floor) };
    });
    fitted = fitNonNegative(reweighted, featureCount, options);
  }
  return fitted;
}

export function predict(fit: Fit, features: ArrayLike<number>): number {
  let sum = fit.intercept;
  for (let j = 0; j < fit.weights.length; j++) sum += fit.weights[j]! * (features[j] ?? 0);
  return sum;
}
