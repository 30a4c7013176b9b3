// A results tree on disk scored end to end (CSV → windows by timestamp → threshold sweep →
// normalisation), against a corpus small enough to score by hand.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseNabTimestamp, scoreResultsTree, windowRowRanges } from '@tributary/transform/nab';

// Two files of 20 rows at one-minute steps: probation is floor(0.15 · 20) = 3 rows.
// a.csv: one window, rows 8–11 (W = 4). Detections: row 1 at 1.0 (probation, ignored), row 5 at 0.7
//   (before the first window: −A_FP), row 9 at 0.6 (y = −(11 − 9 + 1)/4 = −0.75: A_TP·σ_s(−0.75)/σ_s(−1)
//   = 0.966989), row 15 at 0.8 (y = |15 − 11|/(4 − 1) = 4/3: A_FP·σ_s(4/3) = −0.997458·A_FP).
// b.csv: no window; rows 10–14 at 0.65: five FPs at −A_FP each.
// Every threshold above 0.6 misses the window and only adds FPs, below it every other row is an FP,
// so θ* = 0.6 for all three profiles, and raw = 0.966989 − A_FP·(0.997458 + 1 + 5):
//   standard (A_FP 0.11, A_FN 1):  raw 0.197269  → 100 · (0.197269 + 1)/2  = 59.8634
//   reward_low_FP_rate (0.22, 1):  raw −0.572452 → 100 · (−0.572452 + 1)/2 = 21.3774
//   reward_low_FN_rate (0.11, 2):  raw 0.197269  → 100 · (0.197269 + 2)/3  = 73.2423
const minute = (row: number) => `2014-04-01 00:${String(row).padStart(2, '0')}:00`;
const resultsCsv = (detections: Record<number, number>) =>
  [
    'timestamp,value,anomaly_score',
    ...Array.from({ length: 20 }, (_, row) => `${minute(row)},${row},${detections[row] ?? 0}`),
    '',
  ].join('\n');

const profiles = {
  standard: { CostMatrix: { tpWeight: 1, fnWeight: 1, fpWeight: 0.11, tnWeight: 1 } },
  reward_low_FP_rate: { CostMatrix: { tpWeight: 1, fnWeight: 1, fpWeight: 0.22, tnWeight: 1 } },
  reward_low_FN_rate: { CostMatrix: { tpWeight: 1, fnWeight: 2, fpWeight: 0.11, tnWeight: 1 } },
};

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'tributary-nab-score-'));
  await mkdir(join(root, 'nab', 'labels'), { recursive: true });
  await mkdir(join(root, 'results', 'cat'), { recursive: true });
  await writeFile(join(root, 'nab', 'profiles.json'), JSON.stringify(profiles));
  await writeFile(
    join(root, 'nab', 'labels', 'combined_windows.json'),
    JSON.stringify({ 'cat/a.csv': [[`${minute(8)}.000000`, `${minute(11)}.000000`]], 'cat/b.csv': [] }),
  );
  await writeFile(join(root, 'results', 'cat', 'a.csv'), resultsCsv({ 1: 1, 5: 0.7, 9: 0.6, 15: 0.8 }));
  await writeFile(
    join(root, 'results', 'cat', 'b.csv'),
    resultsCsv({ 10: 0.65, 11: 0.65, 12: 0.65, 13: 0.65, 14: 0.65 }),
  );
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('scoring a results tree', () => {
  it('matches the score worked out by hand under each profile', async () => {
    const scores = await scoreResultsTree(join(root, 'results'), join(root, 'nab'));
    expect(scores.map((score) => score.profile)).toEqual([
      'standard',
      'reward_low_FP_rate',
      'reward_low_FN_rate',
    ]);
    expect(scores.map((score) => score.threshold)).toEqual([0.6, 0.6, 0.6]);
    expect(scores[0]!.rawScore).toBeCloseTo(0.197269, 5);
    expect(scores[0]!.normalizedScore).toBeCloseTo(59.8634, 3);
    expect(scores[1]!.rawScore).toBeCloseTo(-0.572452, 5);
    expect(scores[1]!.normalizedScore).toBeCloseTo(21.3774, 3);
    expect(scores[2]!.normalizedScore).toBeCloseTo(73.2423, 3);
    expect(scores.map((score) => [score.nullScore, score.perfectScore])).toEqual([
      [-1, 1],
      [-1, 1],
      [-2, 1],
    ]);
  });

  it('refuses a results tree that lacks a labelled series', async () => {
    const partial = join(root, 'partial');
    await mkdir(join(partial, 'cat'), { recursive: true });
    await writeFile(join(partial, 'cat', 'a.csv'), resultsCsv({}));
    await expect(scoreResultsTree(partial, join(root, 'nab'))).rejects.toThrow(
      /no results for 1 labelled series: cat\/b\.csv/,
    );
  });
});

describe('windows as rows', () => {
  const timestamps = Array.from({ length: 20 }, (_, row) => parseNabTimestamp(minute(row)));

  it('matches window edges to rows by exact timestamp, whatever the fractional digits', () => {
    const edges = [[parseNabTimestamp(`${minute(8)}.000000`), parseNabTimestamp(minute(11))] as const];
    expect(windowRowRanges('cat/a.csv', timestamps, edges)).toEqual([[8, 11]]);
  });

  it('refuses a window edge that is not a timestamp of the series', () => {
    const edges = [[parseNabTimestamp('2014-04-01 00:08:30'), parseNabTimestamp(minute(11))] as const];
    expect(() => windowRowRanges('cat/a.csv', timestamps, edges)).toThrow(/not a timestamp of "cat\/a\.csv"/);
  });

  it('refuses a timestamp that is not in NAB format, saying which format it expects', () => {
    expect(() => parseNabTimestamp('01/04/2014 00:08')).toThrow(/YYYY-MM-DD HH:MM:SS/);
  });
});
