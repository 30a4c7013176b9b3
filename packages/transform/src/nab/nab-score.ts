// Scores detector results against the labelled windows under every cost profile: the results are
// matched to windows by series name and windows to rows by exact timestamp, as NAB does.
import { scoreCorpus, type CorpusScore, type SeriesForScoring } from './corpus-score.js';
import type { DetectorResults } from './nab-csv.js';
import type { CostProfile } from './profiles.js';
import { windowRowRanges, type WindowsBySeries } from './windows.js';

export function scoreDetectorResults(
  results: readonly DetectorResults[],
  windows: WindowsBySeries,
  profiles: readonly CostProfile[],
): CorpusScore[] {
  const resultNames = new Set(results.map((series) => series.name));
  const missing = [...windows.keys()].filter((name) => !resultNames.has(name));
  if (missing.length > 0) {
    throw new Error(`no results for ${missing.length} labelled series: ${missing.join(', ')}`);
  }
  const corpus: SeriesForScoring[] = results.map((series) => {
    const seriesWindows = windows.get(series.name);
    if (!seriesWindows) {
      throw new Error(`results for "${series.name}", which combined_windows.json does not label`);
    }
    return {
      name: series.name,
      scores: series.scores,
      windows: windowRowRanges(series.name, series.timestamps, seriesWindows),
    };
  });
  return profiles.map((profile) => scoreCorpus(corpus, profile));
}

/** One line per profile: `standard  63.21  (raw 12.345, threshold 0.5011)`. */
export function formatCorpusScores(scores: readonly CorpusScore[]): string {
  return scores
    .map(
      (score) =>
        `${score.profile.padEnd(20)} ${score.normalizedScore.toFixed(2).padStart(7)}` +
        `  (raw ${score.rawScore.toFixed(3)}, threshold ${score.threshold.toPrecision(6)})`,
    )
    .join('\n');
}
