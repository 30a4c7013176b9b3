// The cost model against the worked sizing example in the shared price reference
// (1,000 devices × 1 reading every 10 s = 259.2M messages a month) and the levers it should show.
import { describe, expect, it } from 'vitest';
import { compareDesignOptions, projectMonthlyCost, type CostProjection } from '../src/core/index.js';

const lineOf = (projection: CostProjection, component: string) => {
  const line = projection.lines.find((l) => l.component.startsWith(component));
  if (!line)
    throw new Error(`no line "${component}" in ${projection.lines.map((l) => l.component).join(', ')}`);
  return line.monthlyUsd;
};
const withinTenPercent = (actual: number, expected: number) =>
  expect(Math.abs(actual - expected) / expected).toBeLessThanOrEqual(0.1);

const fleet = { devices: 1000, intervalSeconds: 10, payloadBytes: 200 };

describe('projectMonthlyCost', () => {
  it('reproduces the reference arithmetic for 1,000 devices × 1 reading / 10 s within 10%', () => {
    const projection = projectMonthlyCost(fleet);
    withinTenPercent(lineOf(projection, 'IoT Core messaging'), 259.2);
    withinTenPercent(lineOf(projection, 'IoT Core rules'), 77.76);
    withinTenPercent(lineOf(projection, 'IoT Core connectivity'), 3.456);
    withinTenPercent(lineOf(projection, 'Kinesis telemetry stream'), 10.8 + 3.63);
    withinTenPercent(lineOf(projection, 'Firehose ingestion'), 35.8);
    expect(projection.totalUsd).toBeCloseTo(
      projection.lines.reduce((sum, l) => sum + l.monthlyUsd, 0),
      6,
    );
  });

  it('meters IoT messages in 5 KB units of payload plus topic', () => {
    const small = lineOf(projectMonthlyCost({ ...fleet, payloadBytes: 5 * 1024 - 41 }), 'IoT Core messaging');
    const large = lineOf(projectMonthlyCost({ ...fleet, payloadBytes: 5 * 1024 }), 'IoT Core messaging');
    expect(large / small).toBeCloseTo(2, 6);
  });

  it('bills no messaging for Basic Ingest, and the rules still', () => {
    const basic = projectMonthlyCost({ ...fleet, ingest: 'basic-ingest' });
    expect(lineOf(basic, 'IoT Core messaging')).toBe(0);
    withinTenPercent(lineOf(basic, 'IoT Core rules'), 77.76);
  });

  it('cuts messaging and rules tenfold when ten readings share a message', () => {
    const single = projectMonthlyCost(fleet);
    const batched = projectMonthlyCost({ ...fleet, readingsPerMessage: 10 });
    expect(lineOf(single, 'IoT Core messaging') / lineOf(batched, 'IoT Core messaging')).toBeCloseTo(10, 6);
    expect(lineOf(single, 'IoT Core rules') / lineOf(batched, 'IoT Core rules')).toBeCloseTo(10, 6);
  });

  it('adds a Kinesis shard when the telemetry stream passes 1,000 records/s', () => {
    const shardsOf = (devices: number) =>
      Number(
        /^(\d+) shard/.exec(
          projectMonthlyCost({ ...fleet, devices }).lines.find((l) =>
            l.component.startsWith('Kinesis telemetry'),
          )!.quantity,
        )![1],
      );
    expect(shardsOf(10_000)).toBe(1); // exactly 1,000 records/s
    expect(shardsOf(10_010)).toBe(2);
  });
});

describe('compareDesignOptions', () => {
  it('shows how much batching and Basic Ingest save against the scenario as given', () => {
    const [given, batched, basic, both] = compareDesignOptions(fleet).map((o) => o.projection.totalUsd);
    expect(batched!).toBeLessThan(given!);
    expect(basic!).toBeLessThan(given!);
    expect(both!).toBeLessThan(Math.min(batched!, basic!));
  });
});
