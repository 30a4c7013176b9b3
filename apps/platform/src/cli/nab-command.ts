// `tributary nab --data DIR --out DIR [--score] [--labels DIR]`: runs the default anomaly detector over
// a NAB data tree and writes the results tree NAB scores; with --score, also prints the NAB score
// under each cost profile (the scorer lives in @tributary/transform/nab so this app may use it).
import { dirname, resolve } from 'node:path';
import { runNab } from '@tributary/transform/local';
import { formatCorpusScores, scoreResultsTree } from '@tributary/transform/nab';

export const nabUsage =
  'tributary nab --data DIR --out DIR [--score] [--labels DIR]\n' +
  '  --data    a NAB data tree: <category>/<file>.csv with timestamp,value\n' +
  '  --out     where to write <category>/<file>.csv with timestamp,value,anomaly_score\n' +
  '  --score   also print the NAB score (needs labels/combined_windows.json and profiles.json)\n' +
  '  --labels  the corpus root holding labels/ and profiles.json (default: the parent of --data)\n';

export async function runNabCommand(options: Record<string, string | undefined>): Promise<number> {
  const { data, out } = options;
  if (!data || !out) {
    process.stderr.write(`Give both --data and --out:\n${nabUsage}`);
    return 2;
  }
  const summary = await runNab({ dataDir: resolve(data), outDir: resolve(out) });
  const pointsPerSecond = summary.elapsedMs > 0 ? (summary.points * 1000) / summary.elapsedMs : 0;
  process.stdout.write(
    `${summary.detector}: ${summary.files} series, ${summary.points} points ` +
      `(${(pointsPerSecond / 1e6).toFixed(2)} M points/s) → ${resolve(out)}\n`,
  );
  if (options.score === undefined) return 0;
  const corpusRoot = resolve(options.labels ?? dirname(resolve(data)));
  process.stdout.write(`${formatCorpusScores(await scoreResultsTree(resolve(out), corpusRoot))}\n`);
  return 0;
}
