// `tributary import`: backfills a file of historical readings through the platform's own path —
// validation (bad lines to quarantine, with their bytes), enrichment from the registry and the things'
// shadows (firmware, calibration), the anomaly detector — into the lake, at their original times. Runs
// while the platform is stopped: the running platform holds the registry and the shadows.
import { createReadStream } from 'node:fs';
import { access, mkdir } from 'node:fs/promises';
import { basename } from 'node:path';
import { createInterface } from 'node:readline';
import type { TelemetryEnvelope } from '@tributary/contracts';
import {
  LocalRegistry,
  LocalShadowService,
  LocalShadowStore,
  shadowStoreFileOf,
} from '@tributary/ingest/local';
import { LakeWriter } from '@tributary/store/local';
import { DetectorStates, thingNamesIn, transformBatch } from '@tributary/transform';
import { reportedStateFrom, ThingContextCache } from '@tributary/transform/local';
import { iotCoreDirOf, lakeDirOf, registryPathOf, type PlatformConfig } from '../config.js';
import {
  csvLayoutOf,
  envelopeOfCsvLine,
  envelopeOfJsonLine,
  type CsvLayout,
  type ImportFormat,
} from './import-lines.js';

export interface ImportSummary {
  readonly lines: number;
  readonly readings: number;
  readonly anomalies: number;
  readonly quarantined: number;
}

const linesPerBatch = 2_000;

export async function importReadings(
  file: string,
  format: ImportFormat,
  config: Pick<PlatformConfig, 'dataDir'>,
  onProgress: (summary: ImportSummary) => void = () => undefined,
): Promise<ImportSummary> {
  await access(file).catch(() => {
    throw new Error(`Cannot read ${file}: no such file, or no permission`);
  });
  await mkdir(config.dataDir, { recursive: true });
  const registry = await LocalRegistry.open(registryPathOf(config)).catch((error: unknown) => {
    throw new Error(
      `Cannot open the device registry in ${config.dataDir} (${error instanceof Error ? error.message.split('\n')[0] : error}); ` +
        'if `tributary start` is running on this data directory, stop it first.',
    );
  });
  await mkdir(iotCoreDirOf(config), { recursive: true });
  const shadowStore = await LocalShadowStore.open(shadowStoreFileOf(iotCoreDirOf(config)));
  const lake = await LakeWriter.open({ lakeDir: lakeDirOf(config) });
  const contexts = new ThingContextCache(registry, { ttlMs: 60_000 });
  // Today's reported state, as the running platform enriches with: the shadows keep no history to go by.
  contexts.readShadowsFrom(reportedStateFrom(new LocalShadowService(shadowStore)));
  const detectors = new DetectorStates();
  const source = basename(file).replace(/[^A-Za-z0-9._-]/g, '_');
  const totals = { lines: 0, readings: 0, anomalies: 0, quarantined: 0 };
  let layout: CsvLayout | undefined;
  let batch: TelemetryEnvelope[] = [];

  const flush = async () => {
    if (batch.length === 0) return;
    const result = transformBatch(batch, await contexts.contextsFor(thingNamesIn(batch)), detectors);
    lake.append('telemetry', result.readings);
    lake.append('anomalies', result.anomalies);
    lake.append('quarantine', result.quarantined);
    await lake.flush();
    totals.readings += result.readings.length;
    totals.anomalies += result.anomalies.length;
    totals.quarantined += result.quarantined.length;
    batch = [];
    onProgress({ ...totals });
  };

  try {
    let lineNumber = 0;
    for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
      lineNumber += 1;
      if (line.trim() === '') continue;
      if (format === 'csv' && layout === undefined) {
        layout = csvLayoutOf(line);
        continue;
      }
      totals.lines += 1;
      const origin = { source, lineNumber };
      batch.push(
        format === 'csv' ? envelopeOfCsvLine(line, layout!, origin) : envelopeOfJsonLine(line, origin),
      );
      if (batch.length >= linesPerBatch) await flush();
    }
    await flush();
    return { ...totals };
  } finally {
    await lake.close();
    await shadowStore.close();
    await registry.close();
  }
}
