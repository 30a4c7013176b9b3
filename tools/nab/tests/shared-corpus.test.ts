// Scores on the shared NAB subset (../shared/data/nab, or $NAB_DATA): the scorer reproduces NAB's
// published figure for its own windowed-Gaussian baseline, null and perfect score 0 and 100, and the
// default detector stays above its floor. Skipped, with the reason, where the corpus is absent.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultDetector, ewmaZScoreDetector } from '@tributary/transform';
import {
  readNabLabels,
  readNabSeries,
  scoreDetectorResults,
  type CorpusScore,
  type DetectorResults,
} from '@tributary/transform/nab';
import { evaluateDetector } from '../src/evaluate-detector.js';
import { locateNabCorpus } from '../src/nab-corpus.js';
import { nabWindowedGaussian } from '../src/nab-windowed-gaussian.js';

const corpus = locateNabCorpus();
if (!corpus.present && process.env.NAB_DATA) throw new Error(corpus.explanation);
if (!corpus.present) console.warn(`Skipping the NAB corpus tests: ${corpus.explanation}`);

/** Lowest standard score the default detector may fall to on the subset (it scores 70.17). */
const defaultDetectorFloor = 70;

const byProfile = (scores: CorpusScore[]) =>
  Object.fromEntries(scores.map((score) => [score.profile, Number(score.normalizedScore.toFixed(2))]));

describe.skipIf(!corpus.present)(`NAB corpus (${corpus.explanation})`, () => {
  async function scoreConstructed(
    scoreOf: (row: number, windows: readonly (readonly [number, number])[]) => number,
  ) {
    const [series, labels] = await Promise.all([
      readNabSeries(join(corpus.root, 'data')),
      readNabLabels(corpus.root),
    ]);
    const results: DetectorResults[] = series.map(({ name, timestamps }) => {
      const rowOf = new Map(timestamps.map((timestamp, row) => [timestamp, row]));
      const windows = (labels.windows.get(name) ?? []).map(
        ([start, end]) => [rowOf.get(start)!, rowOf.get(end)!] as const,
      );
      return { name, timestamps, scores: timestamps.map((_, row) => scoreOf(row, windows)) };
    });
    return scoreDetectorResults(results, labels.windows, labels.profiles);
  }

  it('scores 0 for a detector that never detects and 100 for one that flags each window start only', async () => {
    const never = await scoreConstructed(() => 0.5);
    expect(never.map((score) => score.normalizedScore)).toEqual([0, 0, 0]);
    expect(never.map((score) => score.perfectScore)).toEqual([69, 69, 69]);
    const perfect = await scoreConstructed((row, windows) =>
      windows.some(([left]) => left === row) ? 1 : 0,
    );
    for (const score of perfect) expect(score.normalizedScore).toBeCloseTo(100, 10);
  });

  it("reproduces NAB's published 29.1 for its windowed-Gaussian baseline", async () => {
    const { scores } = await evaluateDetector(nabWindowedGaussian, corpus.root);
    expect(scores[0]!.profile).toBe('standard');
    expect(scores[0]!.normalizedScore).toBeCloseTo(29.1, 0);
    expect(Math.abs(scores[0]!.normalizedScore - 29.1)).toBeLessThan(0.1);
  });

  it(`keeps the default detector's standard score above ${defaultDetectorFloor}`, async () => {
    const evaluation = await evaluateDetector(defaultDetector, corpus.root);
    console.log(`${evaluation.detector} on the NAB subset:`, byProfile(evaluation.scores));
    expect(evaluation.scores[0]!.normalizedScore).toBeGreaterThan(defaultDetectorFloor);
  });

  it('ranks the default detector above the EWMA z-score baseline under every profile', async () => {
    const [main, baseline] = await Promise.all([
      evaluateDetector(defaultDetector, corpus.root),
      evaluateDetector(ewmaZScoreDetector, corpus.root),
    ]);
    console.log(`${baseline.detector} on the NAB subset:`, byProfile(baseline.scores));
    main.scores.forEach((score, i) =>
      expect(score.normalizedScore).toBeGreaterThan(baseline.scores[i]!.normalizedScore),
    );
  });
});
