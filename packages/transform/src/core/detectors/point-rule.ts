// The platform's point rule, on top of the detector's score: a reading many standard deviations from the
// series' recent level alarms on its own. The detector judges surprises through a 20-point likelihood
// average, which NAB rewards, so one wild reading inside the range seen barely moves its score; an
// operator still wants that reading flagged. Scored inside the detector, such a rule costs NAB 20-30
// points (70.2 → 40.7 at 6σ, 48.7 at 8σ: its real series have many such points outside their labelled
// windows), so it stays out of the detector and applies to the platform's alarms only.

export interface PointRule {
  /** Standard deviations from the recent level at which a reading scores `raiseScore`... */
  readonly raiseSigmas: number;
  /** ...rising in proportion to 1 at twice as far. */
  readonly raiseScore: number;
  /**
   * Weight of the newest reading in the recent level: fast (about the last 5), so the level keeps up
   * with a daily cycle sampled once a minute instead of lagging it by a noise's worth.
   */
  readonly levelWeight: number;
  /** Weight of the newest squared deviation in the spread: slow (about the last 50), so it is steady. */
  readonly spreadWeight: number;
  /** A reading further out is learned as if it were this far, so a spike does not mask the next one. */
  readonly learningClipSigmas: number;
}

export const platformPointRule: PointRule = {
  // 6σ: a gaussian sensor's noise reaches it about once in 500 million readings.
  raiseSigmas: 6,
  raiseScore: 0.5,
  levelWeight: 0.2,
  spreadWeight: 0.02,
  learningClipSigmas: 3,
};

export interface PointRuleState {
  level: number;
  /** Exponentially weighted mean of the squared deviation from the level. */
  spread: number;
  seen: number;
  previous: number;
  /**
   * Smallest non-zero change between consecutive readings: the sensor's resolution, at most. Half of it
   * is the least spread a reading is judged by, so a quantised sensor that sat still for hours does not
   * alarm when it next moves by one step. For a noisy sensor it shrinks towards 0 and changes nothing.
   */
  resolution: number | null;
}

export function emptyPointRuleState(): PointRuleState {
  return { level: 0, spread: 0, seen: 0, previous: 0, resolution: null };
}

/** The rule's score for `value` (0 unless it is `raiseSigmas` out), then learns it; non-finite: 0. */
export function pointRuleScoreThenLearn(state: PointRuleState, value: number, rule: PointRule): number {
  if (!Number.isFinite(value)) return 0;
  const change = Math.abs(value - state.previous);
  if (state.seen > 0 && change > 0) state.resolution = Math.min(state.resolution ?? change, change);
  state.previous = value;
  const sigma = Math.max(Math.sqrt(state.spread), (state.resolution ?? 0) / 2);
  const measurable = state.seen > 1 && sigma > 0;
  const sigmas = measurable ? Math.abs(value - state.level) / sigma : 0;
  state.seen += 1;
  // The first readings are weighted equally, so the first one does not dominate.
  const levelWeight = Math.max(rule.levelWeight, 1 / state.seen);
  const spreadWeight = Math.max(rule.spreadWeight, 1 / state.seen);
  const limit = measurable ? rule.learningClipSigmas * sigma : Number.POSITIVE_INFINITY;
  const deviation = Math.min(limit, Math.max(-limit, value - state.level));
  if (state.seen > 1) state.spread += spreadWeight * (deviation * deviation - state.spread);
  state.level += levelWeight * deviation;
  return sigmas < rule.raiseSigmas ? 0 : Math.min(1, (rule.raiseScore * sigmas) / rule.raiseSigmas);
}
