// The detector and alarm state of every (thing, metric) series, serialisable as one JSON object (a file
// locally, one DynamoDB item per thing on AWS).
import type { AlarmState } from './alarm.js';
import { defaultDetector, likelihoodEnsembleDefaults, type StreamingDetector } from './detectors/index.js';
import {
  emptyPointRuleState,
  platformPointRule,
  pointRuleScoreThenLearn,
  type PointRule,
  type PointRuleState,
} from './detectors/point-rule.js';

export interface SeriesState {
  /** The detector that owns `state`: state of another detector (e.g. after an upgrade) is started afresh. */
  detector: string;
  state: unknown;
  /** Points scored so far; the first `learningPoints` score null (the detector is still learning). */
  points: number;
  /** The point rule's recent level (absent in states written before the platform had the rule). */
  pointRule?: PointRuleState;
  alarm: AlarmState;
}

export interface SeriesDetection {
  readonly detector: StreamingDetector<unknown>;
  /** Points a new series learns from before its scores mean anything. */
  readonly learningPoints: number;
  /** A point rule whose score, when higher, replaces the detector's (see point-rule.ts for why). */
  readonly pointRule?: PointRule;
}

/**
 * What the platform scores with: the default detector (the one NAB measures), raised by the point rule,
 * silent during the detector's warm-up.
 */
export const platformDetection: SeriesDetection = {
  detector: defaultDetector as StreamingDetector<unknown>,
  learningPoints: likelihoodEnsembleDefaults.warmUpPoints,
  pointRule: platformPointRule,
};

export class DetectorStates {
  private readonly bySeries = new Map<string, SeriesState>();

  constructor(readonly detection: SeriesDetection = platformDetection) {}

  /** Restores serialised states, dropping those another detector wrote (their series start afresh). */
  static fromJSON(
    json: Record<string, unknown>,
    detection: SeriesDetection = platformDetection,
  ): DetectorStates {
    const states = new DetectorStates(detection);
    for (const [key, value] of Object.entries(json)) {
      const series = value as Partial<SeriesState> | null;
      if (series?.detector !== detection.detector.name || typeof series.points !== 'number') continue;
      states.bySeries.set(key, structuredClone(series as SeriesState));
    }
    return states;
  }

  /** The state of one series, created on first use. */
  of(thingName: string, metric: string): SeriesState {
    const key = `${thingName}/${metric}`;
    let series = this.bySeries.get(key);
    if (!series) {
      series = {
        detector: this.detection.detector.name,
        state: this.detection.detector.initialState(),
        points: 0,
        alarm: { raised: false },
      };
      this.bySeries.set(key, series);
    }
    return series;
  }

  /** Scores one point of a series and learns it: null while the series is still learning. */
  score(series: SeriesState, value: number, timestamp: number): number | null {
    const { detector, pointRule, learningPoints } = this.detection;
    const detectorScore = detector.score(series.state, value, timestamp);
    const pointScore = pointRule
      ? pointRuleScoreThenLearn((series.pointRule ??= emptyPointRuleState()), value, pointRule)
      : 0;
    series.points += 1;
    return series.points > learningPoints ? Math.max(detectorScore, pointScore) : null;
  }

  get size(): number {
    return this.bySeries.size;
  }

  toJSON(): Record<string, SeriesState> {
    return Object.fromEntries(this.bySeries);
  }
}
