import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, type TelemetryEnvelope } from '@tributary/contracts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DetectorStates, transformBatch } from '../src/core/index.js';
import { keepSavingDetectorStates, loadDetectorStates } from '../src/local/index.js';

let dir: string;
const logged: string[] = [];
const logger = createLogger({ service: 'test', write: (line) => logged.push(line) });

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'detector-states-'));
  logged.length = 0;
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const envelopesOf = (values: readonly number[], from: number): TelemetryEnvelope[] =>
  values.map((value, i) => ({
    topic: 'dt/tributary/pump-7/telemetry',
    clientId: 'pump-7',
    receivedAt: 1_700_000_000_000 + (from + i) * 10_000,
    correlationId: `c-${from + i}`,
    payload: Buffer.from(JSON.stringify({ metrics: { pressure: value } })).toString('base64'),
  }));

describe('detector state across restarts', () => {
  it('scores after a restart exactly as if the platform had never stopped', async () => {
    const path = join(dir, 'transform', 'detector-states.json');
    const series = Array.from({ length: 400 }, (_, i) => 5 + Math.sin(i / 9) + (i % 7) * 0.01);
    const first = envelopesOf(series.slice(0, 250), 0);
    const second = envelopesOf(series.slice(250), 250);
    const uninterrupted = new DetectorStates();
    transformBatch(first, new Map(), uninterrupted);
    const expected = transformBatch(second, new Map(), uninterrupted).readings.map((r) => r.anomaly_score);

    const before = await loadDetectorStates({ path, logger });
    expect(before.size).toBe(0);
    const stopSaving = keepSavingDetectorStates(before, { path, logger });
    transformBatch(first, new Map(), before);
    await stopSaving();

    const after = await loadDetectorStates({ path, logger });
    const scores = transformBatch(second, new Map(), after).readings.map((r) => r.anomaly_score);
    expect(scores).toEqual(expected);
    expect(scores.every((score) => score !== null)).toBe(true);
  });

  it('sets an unreadable file aside, says so, and starts every series afresh', async () => {
    const path = join(dir, 'detector-states.json');
    await writeFile(path, '{"pump-7/pressure": {"detector": "likelihood-ens');
    const states = await loadDetectorStates({ path, logger });
    expect(states.size).toBe(0);
    expect((await readdir(dir)).some((name) => name.startsWith('detector-states.json.unreadable-'))).toBe(
      true,
    );
    expect(logged.join('\n')).toMatch(/detector state unreadable/);
  });
});
