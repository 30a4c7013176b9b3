// The contract every streaming anomaly detector meets, so the Transform stage, the NAB runner and the
// benchmark can swap detectors without knowing their internals.

export interface StreamingDetector<State> {
  /** Recorded on anomaly events, so an alarm says which detector raised it. */
  readonly name: string;
  /** A fresh per-series state: a plain object that survives JSON (it is stored in DynamoDB on AWS). */
  initialState(): State;
  /**
   * Scores `value` against the series' history, then learns it, mutating `state`. Strictly online: the
   * score uses only this point and earlier ones. Returns a score in [0, 1]; a non-finite value scores 0
   * and leaves the state untouched.
   */
  score(state: State, value: number, timestamp: number): number;
}
