// The NAB corpus score for one profile: one threshold for the whole corpus, chosen by an exhaustive
// sweep over the distinct anomaly scores, then normalised so never detecting scores 0 and perfect 100.
import type { CostProfile } from './profiles.js';
import { probationLength, rowWeights } from './row-weights.js';
import type { RowRange } from './windows.js';

export interface SeriesForScoring {
  readonly name: string;
  /** a_i ∈ [0, 1] for every row. */
  readonly scores: ArrayLike<number>;
  readonly windows: readonly RowRange[];
}

export interface CorpusScore {
  readonly profile: string;
  /** θ*: rows with a score at or above it are detections; 1.1 means none. */
  readonly threshold: number;
  readonly rawScore: number;
  readonly nullScore: number;
  readonly perfectScore: number;
  /** 100 · (raw − null) / (perfect − null). */
  readonly normalizedScore: number;
}

/** Threshold that detects nothing, the first candidate of the sweep. */
export const noDetectionThreshold = 1.1;

interface ScorableRow {
  readonly score: number;
  readonly weight: number;
  /** Corpus-wide window index, or −1 outside every window. */
  readonly window: number;
}

export function scoreCorpus(corpus: readonly SeriesForScoring[], profile: CostProfile): CorpusScore {
  const { rows, windowCount } = scorableRows(corpus, profile);
  rows.sort((a, b) => b.score - a.score);

  const nullScore = -profile.fnWeight * windowCount;
  const earliestDetection = new Float64Array(windowCount).fill(Number.NaN);
  let current = nullScore;
  let best = { rawScore: nullScore, threshold: noDetectionThreshold };
  for (let start = 0; start < rows.length;) {
    const threshold = rows[start]!.score;
    let end = start;
    for (; end < rows.length && rows[end]!.score === threshold; end += 1) {
      const { weight, window } = rows[end]!;
      if (window < 0) {
        current += weight;
      } else if (Number.isNaN(earliestDetection[window]!)) {
        current += profile.fnWeight + weight;
        earliestDetection[window] = weight;
      } else if (weight > earliestDetection[window]!) {
        current += weight - earliestDetection[window]!;
        earliestDetection[window] = weight;
      }
    }
    if (current > best.rawScore) best = { rawScore: current, threshold };
    start = end;
  }

  const perfectScore = profile.tpWeight * windowCount;
  return {
    profile: profile.name,
    ...best,
    nullScore,
    perfectScore,
    normalizedScore: (100 * (best.rawScore - nullScore)) / (perfectScore - nullScore),
  };
}

function scorableRows(corpus: readonly SeriesForScoring[], profile: CostProfile) {
  const rows: ScorableRow[] = [];
  let windowCount = 0;
  for (const series of corpus) {
    const { scores, windows } = series;
    const { weight, window } = rowWeights(scores.length, windows, profile);
    for (let row = probationLength(scores.length); row < scores.length; row += 1) {
      const score = scores[row]!;
      if (!(score >= 0 && score <= 1)) {
        throw new Error(`"${series.name}" row ${row}: anomaly score ${score} is not in [0, 1]`);
      }
      rows.push({ score, weight: weight[row]!, window: window[row]! < 0 ? -1 : windowCount + window[row]! });
    }
    windowCount += windows.length;
  }
  return { rows, windowCount };
}
