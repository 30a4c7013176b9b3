// A first streaming anomaly detector: exponentially weighted mean and variance per series, scoring
// each point by how many standard deviations it lies from the mean. Strictly online, O(1) per point,
// with a small plain-object state so it serialises to DynamoDB or disk unchanged.

export interface ZScoreState {
  /** Points seen so far. */
  count: number;
  mean: number;
  variance: number;
}

export const zscoreDetector = {
  name: 'ewma-zscore',
  /** Points before the first score: the mean and variance need some history. */
  warmUpPoints: 10,
  /** Weight of the newest point in the moving mean and variance. */
  alpha: 0.05,
  /** Deviations at which the score reaches 1. */
  saturationSigmas: 6,

  initialState(): ZScoreState {
    return { count: 0, mean: 0, variance: 0 };
  },

  /** Scores `value` against the history, then learns it. Returns null while warming up. */
  score(state: ZScoreState, value: number): number | null {
    const { alpha, warmUpPoints, saturationSigmas } = zscoreDetector;
    let score: number | null = null;
    if (state.count >= warmUpPoints) {
      const deviation = Math.abs(value - state.mean);
      const sigma = Math.sqrt(state.variance);
      const sigmas = sigma > 1e-12 ? deviation / sigma : deviation > 1e-12 ? saturationSigmas : 0;
      score = Math.min(1, sigmas / saturationSigmas);
    }
    if (state.count === 0) {
      state.mean = value;
    } else {
      // During warm-up, weight points equally so the first value does not dominate.
      const weight = Math.max(alpha, 1 / (state.count + 1));
      const delta = value - state.mean;
      state.mean += weight * delta;
      state.variance = (1 - weight) * (state.variance + weight * delta * delta);
    }
    state.count += 1;
    return score;
  },
};
