// Reads NAB trees from disk: the corpus (<root>/data, <root>/labels, <root>/profiles.json) and a
// results tree (<category>/<file>.csv), so the CLI, the runner and the tests share one reader.
import { readdir, readFile } from 'node:fs/promises';
import { join, sep } from 'node:path';
import type { CorpusScore } from './corpus-score.js';
import { parseNabSeriesCsv, parseResultsCsv, type DetectorResults, type NabSeries } from './nab-csv.js';
import { scoreDetectorResults } from './nab-score.js';
import { parseProfiles, type CostProfile } from './profiles.js';
import { parseWindows, type WindowsBySeries } from './windows.js';

/** "<category>/<file>.csv" paths of every CSV under `dir`, sorted, with "/" separators. */
export async function csvFilesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true });
  return entries
    .filter((file) => file.endsWith('.csv'))
    .map((file) => file.split(sep).join('/'))
    .sort();
}

export async function readNabSeries(dataDir: string): Promise<Array<NabSeries & { readonly name: string }>> {
  const files = await csvFilesUnder(dataDir);
  return Promise.all(
    files.map(async (name) => ({
      name,
      ...parseNabSeriesCsv(name, await readFile(join(dataDir, name), 'utf8')),
    })),
  );
}

export async function readResultsTree(resultsDir: string): Promise<DetectorResults[]> {
  const files = await csvFilesUnder(resultsDir);
  if (files.length === 0) throw new Error(`${resultsDir} holds no <category>/<file>.csv results`);
  return Promise.all(
    files.map(async (name) => parseResultsCsv(name, await readFile(join(resultsDir, name), 'utf8'))),
  );
}

export interface NabLabels {
  readonly windows: WindowsBySeries;
  readonly profiles: CostProfile[];
}

/** The windows and cost profiles of a NAB corpus root (labels/combined_windows.json, profiles.json). */
export async function readNabLabels(nabRoot: string): Promise<NabLabels> {
  const [windows, profiles] = await Promise.all([
    readFile(join(nabRoot, 'labels', 'combined_windows.json'), 'utf8'),
    readFile(join(nabRoot, 'profiles.json'), 'utf8'),
  ]);
  return { windows: parseWindows(JSON.parse(windows)), profiles: parseProfiles(JSON.parse(profiles)) };
}

/** The NAB score of a results tree under every profile of the corpus at `nabRoot`. */
export async function scoreResultsTree(resultsDir: string, nabRoot: string): Promise<CorpusScore[]> {
  const [results, labels] = await Promise.all([readResultsTree(resultsDir), readNabLabels(nabRoot)]);
  return scoreDetectorResults(results, labels.windows, labels.profiles);
}
