// Runs a detector over a NAB corpus in memory and scores it under every profile: what the score
// regression test and `pnpm bench nab` measure, without writing a results tree.
import { join } from 'node:path';
import { scoreSeries } from '@tributary/transform/local';
import type { StreamingDetector } from '@tributary/transform';
import {
  readNabLabels,
  readNabSeries,
  scoreDetectorResults,
  type CorpusScore,
} from '@tributary/transform/nab';

export interface DetectorEvaluation {
  readonly detector: string;
  readonly points: number;
  readonly scores: CorpusScore[];
}

export async function evaluateDetector(
  detector: StreamingDetector<unknown>,
  nabRoot: string,
): Promise<DetectorEvaluation> {
  const [corpus, labels] = await Promise.all([readNabSeries(join(nabRoot, 'data')), readNabLabels(nabRoot)]);
  const results = corpus.map((series) => ({
    name: series.name,
    timestamps: series.timestamps,
    scores: Array.from(scoreSeries(detector, series)),
  }));
  return {
    detector: detector.name,
    points: corpus.reduce((sum, series) => sum + series.values.length, 0),
    scores: scoreDetectorResults(results, labels.windows, labels.profiles),
  };
}
