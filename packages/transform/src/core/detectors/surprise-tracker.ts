// Numenta's "anomaly likelihood" idea: compare the mean of a raw anomaly signal over the last few
// points with the signal's long-run distribution, so a signal that is always noisy stops alarming and
// a sustained change in it stands out. Returns standard deviations; `tailScore` maps them to [0, 1].

export interface SurpriseTracker {
  /** Ring buffer of the most recent raw values. */
  recent: number[];
  next: number;
  recentSum: number;
  seen: number;
  /** Long-run exponentially weighted mean and variance of the recent mean. */
  longMean: number;
  longVariance: number;
}

export interface SurpriseSettings {
  readonly recentPoints: number;
  /** Weight of the newest recent mean in the long-run statistics. */
  readonly longRunWeight: number;
  /** Floors that keep a signal that has been ~0 for long from turning noise into huge surprises. */
  readonly minLongMean: number;
  readonly minLongDeviation: number;
}

export function emptySurpriseTracker(settings: SurpriseSettings): SurpriseTracker {
  return {
    recent: new Array<number>(settings.recentPoints).fill(0),
    next: 0,
    recentSum: 0,
    seen: 0,
    longMean: 0,
    longVariance: 0,
  };
}

/** Standard deviations by which the recent mean of `raw` exceeds its long-run mean; then learns it. */
export function surpriseThenLearn(tracker: SurpriseTracker, raw: number, settings: SurpriseSettings): number {
  const window = tracker.recent.length;
  tracker.recentSum += raw - tracker.recent[tracker.next]!;
  tracker.recent[tracker.next] = raw;
  tracker.next = (tracker.next + 1) % window;
  tracker.seen += 1;
  const recentMean = tracker.recentSum / Math.min(tracker.seen, window);

  const mean = Math.max(tracker.longMean, settings.minLongMean);
  const deviation = Math.max(Math.sqrt(tracker.longVariance), settings.minLongDeviation);
  const sigmas = (recentMean - mean) / deviation;

  const weight = Math.max(settings.longRunWeight, 1 / tracker.seen);
  const delta = recentMean - tracker.longMean;
  tracker.longMean += weight * delta;
  tracker.longVariance = (1 - weight) * (tracker.longVariance + weight * delta * delta);
  return sigmas;
}

/**
 * The log-likelihood score Numenta reports: log(Q(z)) / log(1e-10), where Q is the normal upper tail.
 * A 1-in-10-billion surprise scores 1; anything expected scores about 0.
 */
export function tailScore(sigmas: number): number {
  const score = Math.log(normalUpperTail(sigmas) + 1e-10) / Math.log(1e-10);
  return Math.min(1, Math.max(0, score));
}

/** Q(z) by Abramowitz & Stegun 26.2.17 (absolute error < 7.5e-8, and relative accuracy in the tail). */
function normalUpperTail(z: number): number {
  const t = 1 / (1 + 0.2316419 * Math.abs(z));
  const density = 0.3989422804014327 * Math.exp((-z * z) / 2);
  const tail =
    density *
    t *
    (0.31938153 + t * (-0.356563782 + t * (1.781477937 + t * (-1.821255978 + t * 1.330274429))));
  return z >= 0 ? tail : 1 - tail;
}
