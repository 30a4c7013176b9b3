// The clock_skew named query (faults.md #18: flag skew above a threshold), run by the local query service
// over a lake the real LakeWriter wrote: only things whose device clock is more than 5 minutes off show,
// with how far ahead or behind, worst first.
import { describe, expect, it } from 'vitest';
import { aReading, receivedAt } from './lake-fixtures.js';
import { useWrittenLake } from './written-lake.js';

const minute = 60_000;
const skewOf: Record<string, number> = {
  'on-time': 2 * minute, // within the threshold: not listed
  'runs-ahead': -7 * minute,
  'was-offline': 3 * 60 * minute,
};
const lake = useWrittenLake('clock-skew', () =>
  Object.entries(skewOf).flatMap(([thing, behindMs]) =>
    [0, 1, 2].map((i) =>
      aReading({
        thing_name: thing,
        message_id: `${thing}-${i}`,
        received_at: receivedAt + i * 1_000,
        device_time: receivedAt + i * 1_000 - behindMs * (i === 2 ? 1 : 0.5),
      }),
    ),
  ),
);

describe('clock_skew', () => {
  it('lists the things off by more than 5 minutes, worst first, with how far ahead or behind', async () => {
    const { rows } = await lake.service.runNamed('clock_skew', { since: receivedAt - minute });
    expect(
      rows.map((row) => [row['thing_name'], Number(row['max_ahead_ms']), Number(row['max_behind_ms'])]),
    ).toEqual([
      ['was-offline', -90 * minute, 180 * minute],
      ['runs-ahead', 7 * minute, -3.5 * minute],
    ]);
  });

  it('looks only at readings received since the given time', async () => {
    const { rows } = await lake.service.runNamed('clock_skew', { since: receivedAt + 2_000 });
    expect(rows.map((row) => row['thing_name'])).toEqual(['was-offline', 'runs-ahead']);
    const none = await lake.service.runNamed('clock_skew', { since: receivedAt + 3_000 });
    expect(none.rows).toEqual([]);
  });
});
