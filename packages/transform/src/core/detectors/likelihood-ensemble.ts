// The default streaming detector: four cheap online signals (sequence novelty, deviation from the
// daily profile, spike and level-shift deviations), each judged by its own anomaly likelihood, plus a
// hard score for a value far outside everything seen over at least a day, and a rest period after a
// detection so one event alarms once.
import { dailyDeviationThenLearn, emptyDailyProfile, type DailyProfileSettings } from './daily-profile.js';
import { deviationThenLearn, emptyEwmStats, type EwmStats } from './ewm-deviation.js';
import {
  emptySequenceState,
  sequenceNoveltyThenLearn,
  type SequenceSettings,
  type SequenceState,
} from './sequence-novelty.js';
import type { StreamingDetector } from './streaming-detector.js';
import {
  emptySurpriseTracker,
  surpriseThenLearn,
  tailScore,
  type SurpriseSettings,
  type SurpriseTracker,
} from './surprise-tracker.js';

export interface LikelihoodEnsembleSettings extends SequenceSettings, DailyProfileSettings, SurpriseSettings {
  /** Points learned before the first non-zero score. */
  readonly warmUpPoints: number;
  /** Weight of the newest value in the spike signal's mean and variance. */
  readonly fastWeight: number;
  /** Weight of the newest value in the level-shift signal's mean and variance. */
  readonly slowWeight: number;
  /**
   * The spike and level-shift statistics learn a value further than this many standard deviations from
   * their mean as if it were this far, so an outlier does not inflate the spread later points are judged by.
   */
  readonly learningClipSigmas: number;
  /** A value beyond the range seen so far by this fraction of it scores 1... */
  readonly outOfRangeTolerance: number;
  /**
   * ...once that range spans this many milliseconds: before a full daily cycle has been seen, the cycle
   * itself keeps setting new highs and lows, and each would score 1 (on a new 10 s sensor, every few
   * hours of its first day). On the NAB subset it changes nothing (70.17 either way): NAB leaves each
   * file's first 15%, a day or more, unscored.
   */
  readonly outOfRangeAfterMs: number;
  /** A score at or above this starts a rest period... */
  readonly detectionScore: number;
  /** ...of this many points, which score 0: NAB, like an operator, wants each event once. */
  readonly restPoints: number;
}

export const likelihoodEnsembleDefaults: LikelihoodEnsembleSettings = {
  bins: 8,
  order: 3,
  daySlots: 24,
  dailyWeight: 0.1,
  recentPoints: 20,
  longRunWeight: 0.002,
  minLongMean: 0.03,
  minLongDeviation: 0.02,
  warmUpPoints: 150,
  fastWeight: 0.05,
  slowWeight: 0.01,
  learningClipSigmas: 3,
  outOfRangeTolerance: 0.05,
  outOfRangeAfterMs: 86_400_000,
  detectionScore: 0.5,
  restPoints: 100,
};

export interface LikelihoodEnsembleState {
  seen: number;
  /** Timestamp of the first finite value (absent in states written before the range waited a day). */
  firstTimestamp?: number;
  /** Range of the finite values seen so far (meaningless until `seen` > 0). */
  low: number;
  high: number;
  sequence: SequenceState;
  /** Mean and variance per time-of-day slot. */
  daily: EwmStats[];
  fast: EwmStats;
  slow: EwmStats;
  sequenceSurprise: SurpriseTracker;
  dailySurprise: SurpriseTracker;
  spikeSurprise: SurpriseTracker;
  shiftSurprise: SurpriseTracker;
  restRemaining: number;
}

export function createLikelihoodEnsemble(
  settings: LikelihoodEnsembleSettings = likelihoodEnsembleDefaults,
): StreamingDetector<LikelihoodEnsembleState> {
  return {
    name: 'likelihood-ensemble',
    initialState: () => ({
      seen: 0,
      low: 0,
      high: 0,
      sequence: emptySequenceState(settings),
      daily: emptyDailyProfile(settings),
      fast: emptyEwmStats(),
      slow: emptyEwmStats(),
      sequenceSurprise: emptySurpriseTracker(settings),
      dailySurprise: emptySurpriseTracker(settings),
      spikeSurprise: emptySurpriseTracker(settings),
      shiftSurprise: emptySurpriseTracker(settings),
      restRemaining: 0,
    }),
    score(state, value, timestamp) {
      if (!Number.isFinite(value)) return 0;
      const sigmas = surpriseSigmasThenLearn(state, value, timestamp, settings);
      const scoring = state.seen > settings.warmUpPoints;
      let score = scoring ? (sigmas.outOfRange ? 1 : tailScore(sigmas.largest)) : 0;
      if (state.restRemaining > 0) {
        state.restRemaining -= 1;
        score = 0;
      } else if (score >= settings.detectionScore) {
        state.restRemaining = settings.restPoints;
      }
      return score;
    },
  };
}

/** Updates every signal with `value`; returns the largest likelihood surprise and the range check. */
function surpriseSigmasThenLearn(
  state: LikelihoodEnsembleState,
  value: number,
  timestamp: number,
  settings: LikelihoodEnsembleSettings,
) {
  if (state.seen === 0) state.firstTimestamp = timestamp;
  // Written as "not younger than" so a state without a (finite) first timestamp judges its range at once.
  const rangeAge = timestamp - (state.firstTimestamp ?? Number.NaN);
  const span = state.high - state.low;
  const outOfRange =
    state.seen > 0 &&
    !(rangeAge < settings.outOfRangeAfterMs) &&
    (value > state.high + settings.outOfRangeTolerance * span ||
      value < state.low - settings.outOfRangeTolerance * span);
  state.low = state.seen === 0 ? value : Math.min(state.low, value);
  state.high = state.seen === 0 ? value : Math.max(state.high, value);
  state.seen += 1;

  const newSpan = state.high - state.low;
  const bin =
    newSpan > 0
      ? Math.min(settings.bins - 1, Math.floor(((value - state.low) / newSpan) * settings.bins))
      : 0;
  const sequenceNovelty = sequenceNoveltyThenLearn(state.sequence, bin, settings);
  const daily = closeness(dailyDeviationThenLearn(state.daily, value, timestamp, settings));
  const { fastWeight, slowWeight, learningClipSigmas } = settings;
  const spike = closeness(deviationThenLearn(state.fast, value, fastWeight, learningClipSigmas));
  const shift = closeness(deviationThenLearn(state.slow, value, slowWeight, learningClipSigmas));

  const largest = Math.max(
    surpriseThenLearn(state.sequenceSurprise, sequenceNovelty, settings),
    surpriseThenLearn(state.dailySurprise, daily, settings),
    surpriseThenLearn(state.spikeSurprise, spike, settings),
    surpriseThenLearn(state.shiftSurprise, shift, settings),
  );
  return { outOfRange, largest };
}

/** Maps standard deviations to [0, 1) like a Gaussian kernel turned upside down: 2σ → 0.39, 4σ → 0.86. */
function closeness(sigmas: number): number {
  return 1 - Math.exp((-sigmas * sigmas) / 8);
}
