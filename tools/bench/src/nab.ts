// `pnpm bench nab`: the NAB score of the default detector on the corpus at ../shared/data/nab (or
// $NAB_DATA), under each profile, next to the EWMA z-score baseline scored in the same run and the
// published scores on this subset. Target: ARTime's 69.1 on the subset (the scoreboard's best).
import { evaluateDetector, locateNabCorpus } from '@tributary/nab';
import { defaultDetector, ewmaZScoreDetector } from '@tributary/transform';

const published =
  'published on this subset (standard): ARTime 69.1, HTM 68.6, CAD OSE 63.8, RCF 52.6, windowed Gaussian 29.1';
const targetScore = 69.1;

export async function nab(): Promise<boolean> {
  const corpus = locateNabCorpus();
  if (!corpus.present) {
    console.log(`nab: skipped, ${corpus.explanation}`);
    return true;
  }
  const [main, baseline] = await Promise.all([
    evaluateDetector(defaultDetector, corpus.root),
    evaluateDetector(ewmaZScoreDetector, corpus.root),
  ]);
  console.log(`${corpus.explanation}; ${main.points.toLocaleString('en')} points`);
  for (const [i, score] of main.scores.entries()) {
    const base = baseline.scores[i]!;
    console.log(
      `${score.profile.padEnd(20)} ${main.detector} ${score.normalizedScore.toFixed(2).padStart(6)}` +
        `   baseline ${baseline.detector} ${base.normalizedScore.toFixed(2).padStart(6)}` +
        `   (+${(score.normalizedScore - base.normalizedScore).toFixed(2)})`,
    );
  }
  const standard = main.scores[0]!.normalizedScore;
  const met = standard >= targetScore;
  console.log(`${published}\ntarget ≥ ${targetScore} standard: ${met ? 'ok' : 'MISSED'}`);
  return met;
}
