// `pnpm nab-score --results DIR [--nab DIR]`: prints the normalised NAB score of a results tree
// (<category>/<file>.csv with timestamp and anomaly_score columns) under each cost profile.
import { parseArgs } from 'node:util';
import { formatCorpusScores, scoreResultsTree } from '@tributary/transform/nab';
import { locateNabCorpus } from './nab-corpus.js';

const usage =
  'usage: pnpm nab-score --results DIR [--nab DIR]  (--nab: the corpus root, default $NAB_DATA or ../shared/data/nab)';

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { results: { type: 'string' }, nab: { type: 'string' } } });
  if (!values.results) {
    console.error(usage);
    return 2;
  }
  const corpus = locateNabCorpus(values.nab ? { NAB_DATA: values.nab } : process.env);
  if (!corpus.present) {
    console.error(`${corpus.explanation}\n${usage}`);
    return 2;
  }
  console.log(formatCorpusScores(await scoreResultsTree(values.results, corpus.root)));
  return 0;
}

process.exitCode = await main();
