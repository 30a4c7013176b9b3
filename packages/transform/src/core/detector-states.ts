// The detector and alarm state of every (thing, metric) series, serialisable as one JSON object.
import type { AlarmState } from './alarm.js';
import { zscoreDetector, type ZScoreState } from './zscore-detector.js';

export interface SeriesState {
  detector: ZScoreState;
  alarm: AlarmState;
}

export class DetectorStates {
  private readonly bySeries = new Map<string, SeriesState>();

  static fromJSON(json: Record<string, SeriesState>): DetectorStates {
    const states = new DetectorStates();
    for (const [key, state] of Object.entries(json)) states.bySeries.set(key, structuredClone(state));
    return states;
  }

  /** The state of one series, created on first use. */
  of(thingName: string, metric: string): SeriesState {
    const key = `${thingName}/${metric}`;
    let state = this.bySeries.get(key);
    if (!state) {
      state = { detector: zscoreDetector.initialState(), alarm: { raised: false } };
      this.bySeries.set(key, state);
    }
    return state;
  }

  get size(): number {
    return this.bySeries.size;
  }

  toJSON(): Record<string, SeriesState> {
    return Object.fromEntries(this.bySeries);
  }
}
