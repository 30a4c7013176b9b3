// runNab turns a NAB data tree into the results tree the NAB scorer reads, one fresh state per series.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultDetector, type StreamingDetector } from '../src/core/index.js';
import { runNab, scoreSeries } from '../src/local/nab-runner.js';

let workDir: string;
beforeEach(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'tributary-nab-'));
});
afterEach(async () => {
  await rm(workDir, { recursive: true, force: true });
});

async function writeSeries(path: string, values: Array<number | ''>) {
  const rows = values.map(
    (value, i) =>
      `2014-04-01 ${String(Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:00,${value}`,
  );
  await mkdir(join(workDir, 'data', path, '..'), { recursive: true });
  await writeFile(join(workDir, 'data', path), ['timestamp,value', ...rows, ''].join('\n'));
}

/** Scores each point by how many points the state has seen, so the output shows which state ran. */
const countingDetector: StreamingDetector<{ seen: number }> = {
  name: 'counting',
  initialState: () => ({ seen: 0 }),
  score: (state) => Math.min(1, (state.seen += 1) / 100),
};

describe('runNab', () => {
  it('writes <out>/<category>/<file>.csv with timestamp,value,anomaly_score for every row', async () => {
    await writeSeries('realKnownCause/pump.csv', [1, 2, 3]);
    await writeSeries('artificialNoAnomaly/flat.csv', [5, 5]);
    const out = join(workDir, 'out');
    const summary = await runNab({ dataDir: join(workDir, 'data'), outDir: out, detector: countingDetector });
    expect(summary).toMatchObject({ detector: 'counting', files: 2, points: 5 });
    expect(await readFile(join(out, 'realKnownCause', 'pump.csv'), 'utf8')).toBe(
      'timestamp,value,anomaly_score\n' +
        '2014-04-01 00:00:00,1,0.01\n2014-04-01 00:01:00,2,0.02\n2014-04-01 00:02:00,3,0.03\n',
    );
    // A fresh state per series: the second file starts counting from 1 again.
    expect(await readFile(join(out, 'artificialNoAnomaly', 'flat.csv'), 'utf8')).toContain(',5,0.01\n');
  });

  it('uses the default detector unless told otherwise, and keeps an empty value empty', async () => {
    await writeSeries('cat/gap.csv', [1, '', 3]);
    const summary = await runNab({ dataDir: join(workDir, 'data'), outDir: join(workDir, 'out') });
    expect(summary.detector).toBe(defaultDetector.name);
    const lines = (await readFile(join(workDir, 'out', 'cat', 'gap.csv'), 'utf8')).trim().split('\n');
    expect(lines[2]).toBe('2014-04-01 00:01:00,,0');
  });

  it('refuses a directory without NAB series, naming it', async () => {
    await expect(runNab({ dataDir: workDir, outDir: join(workDir, 'out') })).rejects.toThrow(workDir);
  });

  it('refuses a file whose header has no value column', async () => {
    await mkdir(join(workDir, 'data', 'cat'), { recursive: true });
    await writeFile(join(workDir, 'data', 'cat', 'bad.csv'), 'time,reading\n2014-04-01 00:00:00,1\n');
    await expect(runNab({ dataDir: join(workDir, 'data'), outDir: join(workDir, 'out') })).rejects.toThrow(
      /cat\/bad\.csv.*no "timestamp" column/,
    );
  });
});

describe('scoreSeries', () => {
  it('scores every row from a fresh state', () => {
    const scores = scoreSeries(countingDetector, { values: [9, 9, 9], timestamps: [0, 1, 2] });
    expect(Array.from(scores)).toEqual([0.01, 0.02, 0.03]);
  });
});
