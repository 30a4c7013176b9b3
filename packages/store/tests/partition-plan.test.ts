// The pure core of the Store stage: partitioning by receive time, idempotency keys, file names.
import { describe, expect, it } from 'vitest';
import {
  dataFileName,
  groupRowsByPartition,
  LakeWriterError,
  rowKeyOf,
  FingerprintSet,
  fingerprintOf,
  screenRows,
  temporaryNameOf,
  validateLakeRows,
} from '../src/index.js';
import { anAnomaly, aQuarantineRecord, aReading, receivedAt } from '@tributary/contracts/testing';

describe('partition plan', () => {
  it('groups rows by the hour of their receive time, not their device time', () => {
    const nextHour = receivedAt + 3_600_000;
    const batches = groupRowsByPartition('telemetry', [
      aReading({ message_id: 'a', device_time: 0 }),
      aReading({ message_id: 'b', received_at: nextHour }),
      aReading({ message_id: 'c' }),
    ]);
    expect(batches.map((b) => [b.partitionPath, b.rows.map((r) => r.message_id)])).toEqual([
      ['telemetry/year=2026/month=11/day=25/hour=05', ['a', 'c']],
      ['telemetry/year=2026/month=11/day=25/hour=06', ['b']],
    ]);
  });

  it('never puts a thing name into a partition path', () => {
    const [batch] = groupRowsByPartition('telemetry', [aReading({ thing_name: '../../x' })]);
    expect(batch?.partitionPath).toBe('telemetry/year=2026/month=11/day=25/hour=05');
  });

  it('keys each table by its idempotency key', () => {
    expect(rowKeyOf('telemetry', aReading())).toBe('pump-7/m-1/temperature');
    expect(rowKeyOf('anomalies', anAnomaly({ event_id: 'e-9' }))).toBe('e-9');
    expect(rowKeyOf('quarantine', aQuarantineRecord({ correlation_id: 'q-9' }))).toBe('q-9');
  });

  it('keeps the first row of each key, and sets apart those whose fingerprint is among the written ones', () => {
    const rows = [
      aReading({ message_id: 'a' }),
      aReading({ message_id: 'a', value: 2 }),
      aReading({ message_id: 'b' }),
      aReading({ message_id: 'c' }),
      aReading({ message_id: 'b', value: 3 }),
    ];
    const written = FingerprintSet.of([fingerprintOf('pump-7/b/temperature')]);
    const screened = screenRows('telemetry', rows, written);
    expect(screened.unwritten.map((r) => [r.message_id, r.value])).toEqual([
      ['a', 21.5],
      ['c', 21.5],
    ]);
    expect(screened.unwrittenFingerprints).toEqual([
      fingerprintOf('pump-7/a/temperature'),
      fingerprintOf('pump-7/c/temperature'),
    ]);
    expect(screened.maybeWritten.map((r) => [r.message_id, r.value])).toEqual([['b', 21.5]]);
    expect(screened.repeatsInBatch).toBe(2);
  });

  it('never drops a row because its fingerprint matches a written one: the files decide', () => {
    const rows = ['a', 'b', 'a', 'c'].map((message_id) => aReading({ message_id }));
    const screened = screenRows('telemetry', rows, { has: () => true });
    expect(screened.maybeWritten.map((r) => r.message_id)).toEqual(['a', 'b', 'c']);
    expect(screened.repeatsInBatch).toBe(1);
  });

  it('names data files by write time and hides files being written from the lake glob', () => {
    const name = dataFileName(receivedAt, 'uuid-1');
    expect(name).toBe('part-20261125T051530123Z-uuid-1.parquet');
    expect(temporaryNameOf(name).endsWith('.parquet')).toBe(false);
  });

  it('refuses a row that breaks its contract, naming the table and field', () => {
    const broken = { ...aReading(), value: 'hot' };
    expect(() => validateLakeRows('telemetry', [aReading(), broken])).toThrowError(
      /Row 1 for lake table "telemetry" is invalid at field "value"/,
    );
  });

  it('refuses a receive time whose year has no four-digit partition', () => {
    const farFuture = aReading({ received_at: 8.64e15 });
    expect(() => validateLakeRows('telemetry', [farFuture])).toThrowError(LakeWriterError);
  });
});
