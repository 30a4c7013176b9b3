// Test helper: a lake the real LakeWriter writes before a test file's tests, and the query service over
// it; both are closed and removed after the tests.
import { join } from 'node:path';
import type { EnrichedReading } from '@tributary/contracts';
import { LakeWriter } from '@tributary/store/local';
import { afterAll, beforeAll } from 'vitest';
import { LakeQueryService } from '../src/local/index.js';
import { makeTempDir, removeDir } from './lake-fixtures.js';

/**
 * Writes `readings` as telemetry, after `prepare` has put whatever the writer cannot write (e.g. files of
 * an older schema) into the lake directory; `service` is set once the tests run.
 */
export function useWrittenLake(
  name: string,
  readings: () => EnrichedReading[],
  prepare?: (lakeDir: string) => Promise<void>,
): { readonly service: LakeQueryService } {
  const lake = {} as { service: LakeQueryService; workDir: string };
  beforeAll(async () => {
    lake.workDir = await makeTempDir(name);
    const lakeDir = join(lake.workDir, 'lake');
    await prepare?.(lakeDir);
    const writer = await LakeWriter.open({ lakeDir });
    writer.append('telemetry', readings());
    await writer.close();
    lake.service = await LakeQueryService.open({ lakeDir });
  });
  afterAll(async () => {
    await lake.service?.close();
    await removeDir(lake.workDir);
  });
  return lake;
}
