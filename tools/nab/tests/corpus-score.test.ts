// The corpus score, threshold sweep and normalisation on small series worked out by hand.
import { describe, expect, it } from 'vitest';
import { scoreCorpus, type SeriesForScoring } from '@tributary/transform/nab';

const standard = { name: 'standard', tpWeight: 1, fpWeight: 0.11, fnWeight: 1 };
const lowFn = { name: 'reward_low_FN_rate', tpWeight: 1, fpWeight: 0.11, fnWeight: 2 };

/** 100 rows (probation: rows 0–14), one window at rows 40–49, and the given detections. */
function series(detections: Record<number, number>, windows: SeriesForScoring['windows'] = [[40, 49]]) {
  const scores = new Array<number>(100).fill(0);
  for (const [row, score] of Object.entries(detections)) scores[Number(row)] = score;
  return { name: 'hand/series.csv', scores, windows };
}

describe('corpus score', () => {
  it('gives 100 to a detector that flags the first row of every window and nothing else', () => {
    const perfect = [
      series({ 40: 1 }),
      series({ 20: 1, 70: 1 }, [
        [20, 29],
        [70, 79],
      ]),
    ];
    expect(scoreCorpus(perfect, standard).normalizedScore).toBeCloseTo(100, 10);
    expect(scoreCorpus(perfect, lowFn).normalizedScore).toBeCloseTo(100, 10);
  });

  it('gives 0 to a detector that never detects, and a constant score is no better', () => {
    const never = scoreCorpus([series({})], standard);
    expect(never.normalizedScore).toBe(0);
    expect(never.threshold).toBe(1.1);
    expect(scoreCorpus([{ ...series({}), scores: new Array(100).fill(0.5) }], standard).normalizedScore).toBe(
      0,
    );
  });

  it('picks the threshold that maximises the corpus score, counting each FP row on its own', () => {
    // θ = 0.9 detects row 45: σ_s(−0.5)/σ_s(−1). Lowering to 0.8 adds an FP 11 rows after the window
    // (y = 11/9) and to 0.7 an FP before it (−0.11): both lose.
    const result = scoreCorpus([series({ 45: 0.9, 60: 0.8, 20: 0.7 })], standard);
    const truePositive = 0.848283 / 0.986614;
    expect(result.threshold).toBe(0.9);
    expect(result.rawScore).toBeCloseTo(truePositive, 5);
    expect(result.normalizedScore).toBeCloseTo((100 * (truePositive + 1)) / 2, 3);
  });

  it('takes a low threshold when the FPs it adds cost less than the window it catches', () => {
    const result = scoreCorpus([series({ 45: 0.2, 60: 0.8 })], standard);
    const falsePositive = 0.11 * (2 / (1 + Math.exp((5 * 11) / 9)) - 1);
    expect(result.threshold).toBe(0.2);
    expect(result.rawScore).toBeCloseTo(0.848283 / 0.986614 + falsePositive, 5);
  });

  it('scores an early detection in a window above a late one, and ignores later detections there', () => {
    const early = scoreCorpus([series({ 41: 1 })], standard).rawScore;
    const late = scoreCorpus([series({ 48: 1 })], standard).rawScore;
    const earlyAndLate = scoreCorpus([series({ 41: 1, 48: 1 })], standard).rawScore;
    expect(early).toBeGreaterThan(late);
    expect(earlyAndLate).toBeCloseTo(early, 12);
  });

  it('charges less for a false positive just after a window than for one long after it', () => {
    const caught = { 40: 1 };
    const soonAfter = scoreCorpus([series({ ...caught, 52: 1 })], standard).rawScore;
    const longAfter = scoreCorpus([series({ ...caught, 90: 1 })], standard).rawScore;
    expect(soonAfter).toBeGreaterThan(longAfter);
    expect(longAfter).toBeCloseTo(1 - 0.11, 12);
  });

  it('does not score the probation period', () => {
    const withProbationDetection = scoreCorpus([series({ 40: 1, 5: 1, 14: 1 })], standard);
    expect(withProbationDetection.rawScore).toBeCloseTo(1, 12);
    const afterProbation = scoreCorpus([series({ 40: 1, 15: 1 })], standard);
    expect(afterProbation.rawScore).toBeCloseTo(1 - 0.11, 12);
  });

  it('uses one threshold for the whole corpus', () => {
    // Alone, the second series picks θ = 0.3; in the corpus, reaching 0.3 means 20 FPs of the first
    // (−2.2), more than the second window earns (+1.86), so the corpus optimum is 0.9.
    const falsePositives = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [16 + i, 0.35]));
    const second = series({ 45: 0.3 });
    expect(scoreCorpus([second], standard).threshold).toBe(0.3);
    expect(scoreCorpus([series({ 45: 0.9, ...falsePositives }), second], standard).threshold).toBe(0.9);
  });

  it('refuses a score outside [0, 1]', () => {
    expect(() => scoreCorpus([series({ 50: 1.5 })], standard)).toThrow(/not in \[0, 1\]/);
  });
});
