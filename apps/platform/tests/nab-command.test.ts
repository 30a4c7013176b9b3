// `tributary nab`: a NAB data tree in, a results tree out, and the scores when asked.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runNabCommand } from '../src/cli/nab-command.js';

let root: string;
let printed: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'tributary-nab-cli-'));
  printed = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((printed += String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((printed += String(chunk)), true));
  const rows = Array.from({ length: 400 }, (_, i) => {
    const time = new Date(Date.UTC(2014, 3, 1) + i * 300_000).toISOString().replace('T', ' ').slice(0, 19);
    return `${time},${i === 300 ? 500 : 10 + Math.sin(i / 5)}`;
  });
  await mkdir(join(root, 'nab', 'data', 'machine'), { recursive: true });
  await mkdir(join(root, 'nab', 'labels'), { recursive: true });
  await writeFile(
    join(root, 'nab', 'data', 'machine', 'pump.csv'),
    ['timestamp,value', ...rows, ''].join('\n'),
  );
  const window = [rows[290]!.split(',')[0]!, rows[320]!.split(',')[0]!];
  await writeFile(
    join(root, 'nab', 'labels', 'combined_windows.json'),
    JSON.stringify({ 'machine/pump.csv': [window] }),
  );
  await writeFile(
    join(root, 'nab', 'profiles.json'),
    JSON.stringify({ standard: { CostMatrix: { tpWeight: 1, fnWeight: 1, fpWeight: 0.11, tnWeight: 1 } } }),
  );
});
afterEach(async () => {
  vi.restoreAllMocks();
  await rm(root, { recursive: true, force: true });
});

describe('tributary nab', () => {
  it('writes the results tree and, with --score, prints the NAB score', async () => {
    const out = join(root, 'out');
    const code = await runNabCommand({ data: join(root, 'nab', 'data'), out, score: 'true' });
    expect(code).toBe(0);
    const results = (await readFile(join(out, 'machine', 'pump.csv'), 'utf8')).trim().split('\n');
    expect(results[0]).toBe('timestamp,value,anomaly_score');
    expect(results).toHaveLength(401);
    expect(printed).toMatch(/1 series, 400 points/);
    // The spike at row 300 sits 10 rows into its window: a detection worth σ_s(−21/31)/σ_s(−1).
    expect(printed).toMatch(/standard\s+9\d\.\d\d/);
  });

  it('asks for both directories when one is missing', async () => {
    expect(await runNabCommand({ data: join(root, 'nab', 'data') })).toBe(2);
    expect(printed).toMatch(/Give both --data and --out/);
  });
});
