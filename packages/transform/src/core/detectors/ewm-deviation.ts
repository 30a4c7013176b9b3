// Exponentially weighted mean and variance of a series, and how many standard deviations a new value
// lies from them: the detector's spike (fast weights) and level-shift (slow weights) signals.

export interface EwmStats {
  mean: number;
  variance: number;
  /** Values learned so far; the first ones are weighted equally so the first value does not dominate. */
  seen: number;
}

export function emptyEwmStats(): EwmStats {
  return { mean: 0, variance: 0, seen: 0 };
}

/**
 * Standard deviations between `value` and the history (0 until two values are known), then learns it.
 * With `clipSigmas`, a value further out is learned as if it were that far (a winsorised update), so an
 * outlier, or the anomaly being scored, does not drag the mean and inflate the variance it is judged by;
 * a lasting change is still learned, as the variance grows with every clipped step.
 */
export function deviationThenLearn(
  stats: EwmStats,
  value: number,
  weightOfNewest: number,
  clipSigmas = Number.POSITIVE_INFINITY,
): number {
  const sigma = Math.sqrt(stats.variance);
  const measurable = stats.seen > 1 && sigma > 0;
  const sigmas = measurable ? Math.abs(value - stats.mean) / sigma : 0;
  stats.seen += 1;
  const weight = Math.max(weightOfNewest, 1 / stats.seen);
  const limit = measurable ? clipSigmas * sigma : Number.POSITIVE_INFINITY;
  const delta = Math.min(limit, Math.max(-limit, value - stats.mean));
  stats.mean += weight * delta;
  stats.variance = (1 - weight) * (stats.variance + weight * delta * delta);
  return sigmas;
}
