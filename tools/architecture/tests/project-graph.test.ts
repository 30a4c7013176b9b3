// Nx's project graph is the seed diagram: ingest → transform → store → insights, cross-cutting after
// all four. Deploy follows it (`deploy` depends on `^deploy`).
import { createProjectGraphAsync } from '@nx/devkit';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { workspaceRoot } from './workspace-root.js';

type Graph = Awaited<ReturnType<typeof createProjectGraphAsync>>;
let graph: Graph;

const dependenciesOf = (project: string): string[] =>
  (graph.dependencies[project] ?? []).map((d) => d.target).filter((t) => !t.startsWith('npm:'));

beforeAll(async () => {
  process.chdir(workspaceRoot);
  graph = await createProjectGraphAsync({ exitOnError: false });
});

describe('project graph', () => {
  it('orders the stages as the architecture diagram does', () => {
    expect(dependenciesOf('ingest').sort()).toEqual(['contracts']);
    expect(dependenciesOf('transform').sort()).toEqual(['contracts', 'ingest']);
    expect(dependenciesOf('store').sort()).toEqual(['contracts', 'transform']);
    expect(dependenciesOf('insights').sort()).toEqual(['contracts', 'store']);
    expect(dependenciesOf('cross-cutting').sort()).toEqual([
      'contracts',
      'ingest',
      'insights',
      'store',
      'transform',
    ]);
  });

  it('gives every stage build, typecheck, lint, test, synth and deploy targets', () => {
    for (const stage of ['ingest', 'transform', 'store', 'insights', 'cross-cutting']) {
      expect(Object.keys(graph.nodes[stage]?.data.targets ?? {})).toEqual(
        expect.arrayContaining(['build', 'typecheck', 'lint', 'test', 'synth', 'deploy']),
      );
    }
  });

  it('deploys a stage only after the stages it depends on', async () => {
    const nxJson = JSON.parse(await readFile(join(workspaceRoot, 'nx.json'), 'utf8'));
    expect(nxJson.targetDefaults.deploy.dependsOn).toEqual(['^deploy']);
  });
});
