// Where the NAB corpus lives: $NAB_DATA if set, else ../shared/data/nab beside the repository (the
// shared checkout on a workstation; a clean clone in CI may not have it).
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const workspaceRoot = fileURLToPath(new URL('../../../', import.meta.url));

export interface NabCorpusLocation {
  readonly root: string;
  readonly present: boolean;
  /** Why the corpus is where it is, or why it is missing: printed when a test skips. */
  readonly explanation: string;
}

export function locateNabCorpus(environment: NodeJS.ProcessEnv = process.env): NabCorpusLocation {
  const fromEnvironment = environment.NAB_DATA;
  const root = fromEnvironment
    ? resolve(fromEnvironment)
    : join(workspaceRoot, '..', 'shared', 'data', 'nab');
  const present = existsSync(join(root, 'labels', 'combined_windows.json'));
  const source = fromEnvironment ? `NAB_DATA=${fromEnvironment}` : '../shared/data/nab beside the repository';
  return {
    root,
    present,
    explanation: present
      ? `NAB corpus at ${root} (${source})`
      : `no NAB corpus at ${root} (${source}): expected data/, labels/combined_windows.json and profiles.json`,
  };
}
