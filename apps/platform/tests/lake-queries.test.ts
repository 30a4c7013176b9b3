// The lake as `tributary query` and `tributary trace` read it: through the running platform's SQL API when
// a platform runs on the data directory (its compactor swaps files under a gate only its own queries share,
// so a query from another process could list a file a swap then removes), in the process otherwise.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  LakeQueryService,
  LiveFeed,
  QueryError,
  startDashboardServer,
  type DashboardServer,
} from '@tributary/insights/local';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { openLakeQueries } from '../src/cli/lake-queries.js';
import { runTraceCommand } from '../src/cli/trace-command.js';

let dataDir: string;
let platformLakeDir: string;
let service: LakeQueryService;
let dashboard: DashboardServer;
/** The queries the "running platform" answered, with the cutoff each was asked to keep under. */
let answered: { sql: string; params: readonly unknown[]; cutoff: number | undefined }[];

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'tributary-cli-lake-'));
  platformLakeDir = await mkdtemp(join(tmpdir(), 'tributary-platform-lake-'));
  service = await LakeQueryService.open({ lakeDir: platformLakeDir });
  dashboard = await startDashboardServer({
    queryService: {
      query: (sql, params = [], options = {}) => {
        answered.push({ sql, params, cutoff: options.bytesScannedCutoff });
        return service.query(sql, params, options);
      },
      runNamed: (name, params) => service.runNamed(name, params),
    },
    liveFeed: new LiveFeed(),
    status: () => ({}),
  });
});

afterAll(async () => {
  await dashboard.close();
  await service.close();
  await rm(dataDir, { recursive: true, force: true });
  await rm(platformLakeDir, { recursive: true, force: true });
});

beforeEach(async () => {
  answered = [];
  await rm(join(dataDir, 'endpoints.json'), { force: true });
});

/** What `tributary start` writes while it runs; `pid` is whose process must still be alive. */
const platformRunsAs = (pid: number) =>
  writeFile(join(dataDir, 'endpoints.json'), JSON.stringify({ pid, dashboardUrl: dashboard.url }));

describe('openLakeQueries', () => {
  it('asks the running platform, with the parameters and a scan limit of its own', async () => {
    await platformRunsAs(process.pid);
    const lake = await openLakeQueries({ dataDir }, { scanLimitBytes: 1024 });
    const result = await lake.query('SELECT ? AS n', [42]);
    await lake.close();

    expect(result.rows).toEqual([{ n: 42 }]);
    expect(answered).toEqual([{ sql: 'SELECT ? AS n', params: [42], cutoff: 1024 }]);
  });

  it("hands back the platform's refusal as the QueryError it was there", async () => {
    await platformRunsAs(process.pid);
    const lake = await openLakeQueries({ dataDir });
    const refused = await lake.query("COPY (SELECT 1) TO '/tmp/x.csv'").catch((error: unknown) => error);

    expect(refused).toBeInstanceOf(QueryError);
    expect(refused).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('runs in this process when no platform runs, or the one that wrote endpoints.json is gone', async () => {
    for (const setUp of [() => Promise.resolve(), () => platformRunsAs(deadPid())]) {
      await setUp();
      const lake = await openLakeQueries({ dataDir });
      expect((await lake.query('SELECT ? AS n', ['here'])).rows).toEqual([{ n: 'here' }]);
      await lake.close();
    }
    expect(answered).toEqual([]);
  });
});

describe('tributary trace', () => {
  it('reads the lake through the running platform', async () => {
    await platformRunsAs(process.pid);
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await runTraceCommand('no-such-id', { dataDir })).toBe(1);
    } finally {
      stderr.mockRestore();
    }
    expect(answered.length).toBeGreaterThan(0);
    expect(answered.every((query) => query.params[0] === 'no-such-id')).toBe(true);
  });
});

/** A pid no process has: above the kernel's pid_max (at most 2^22). */
const deadPid = () => 2 ** 22 + 1;
