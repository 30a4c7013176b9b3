// Per-device sequence gaps (faults.md #20): a device numbers its readings with `seq`; the named query
// sequence_gaps, run by the local query service over a lake the real LakeWriter wrote, lists each gap once,
// whatever order the readings arrived in and however many metrics each carries.
import { describe, expect, it } from 'vitest';
import { aReading, receivedAt } from './lake-fixtures.js';
import { useWrittenLake } from './written-lake.js';

/** Readings of `thing` with these sequence numbers, in this arrival order, two metrics each. */
const sequenced = (thing: string, sequences: readonly (number | null)[]) =>
  sequences.flatMap((sequence, arrival) =>
    ['temperature', 'humidity'].map((metric) =>
      aReading({
        thing_name: thing,
        metric,
        message_id: `${thing}-${arrival}`,
        received_at: receivedAt + arrival * 1_000,
        sequence,
      }),
    ),
  );

const lake = useWrittenLake('sequence-gaps', () => [
  // 3 and 4 lost; 6 and 7 arrive out of order, which is no gap.
  ...sequenced('pump-7', [0, 1, 2, 5, 7, 6, 8]),
  ...sequenced('fan-2', [10, 11, 20]),
  ...sequenced('no-counter', [null, null, null]),
]);

describe('sequence_gaps', () => {
  it('lists each gap in a device’s counter once, with what is missing, most recent first', async () => {
    const { rows } = await lake.service.runNamed('sequence_gaps', { since: receivedAt });
    expect(
      rows.map((row) => [
        row['thing_name'],
        Number(row['first_missing']),
        Number(row['last_missing']),
        Number(row['missing']),
      ]),
    ).toEqual([
      ['pump-7', 3, 4, 2],
      ['fan-2', 12, 19, 8],
    ]);
  });

  it('looks only at readings received since the given time', async () => {
    const { rows } = await lake.service.runNamed('sequence_gaps', { since: receivedAt + 3_000 });
    // From pump-7's fourth arrival on (5, 7, 6, 8): no gap among them.
    expect(rows).toEqual([]);
  });
});
