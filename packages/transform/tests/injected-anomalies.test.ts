// The simulator's injected anomalies (spikes, steps, drifts on daily-cycling signals) raise alarms: the
// end-to-end promise of the Transform stage, checked on the pure core over a day of seeded readings.
import type { AnomalyEvent, TelemetryEnvelope } from '@tributary/contracts';
import {
  anomalyLabelsOf,
  deviceSignalsOf,
  fleetPlanOf,
  telemetryPayloadOf,
  type AnomalyKind,
  type AnomalyLabel,
  type DeviceReading,
} from '@tributary/ingest';
import { describe, expect, it } from 'vitest';
import { DetectorStates, transformBatch, type ThingContext } from '../src/core/index.js';

const minuteMs = 60_000;
const start = Date.UTC(2026, 11, 1);
const devices = 4;
const intervalMs = 10_000;
const hours = 24;
/** An alarm counts for a window if it is raised within it or up to this long after its end. */
const graceMs = 5 * minuteMs;

function simulatedReadings() {
  const plan = fleetPlanOf({ devices, ratePerSecond: devices / (intervalMs / 1000), seed: 7 });
  const readings: DeviceReading[] = [];
  for (const device of plan.devices) {
    const signals = deviceSignalsOf(device);
    for (let ts = start; ts < start + hours * 60 * minuteMs; ts += intervalMs)
      readings.push(signals.next(ts));
  }
  return readings;
}

const envelopeOf = (reading: DeviceReading, i: number): TelemetryEnvelope => ({
  topic: `dt/tributary/${reading.thingName}/telemetry`,
  clientId: reading.thingName,
  receivedAt: reading.ts,
  correlationId: `c-${i}`,
  payload: Buffer.from(telemetryPayloadOf(reading).payload).toString('base64'),
});

/** Raised alarms of the whole run, fed to the Transform core in stream-sized batches. */
function raisedAlarmsOf(readings: readonly DeviceReading[]): AnomalyEvent[] {
  const detectors = new DetectorStates();
  const contexts = new Map<string, ThingContext>();
  const raised: AnomalyEvent[] = [];
  for (let i = 0; i < readings.length; i += 500) {
    const batch = readings.slice(i, i + 500).map((reading, j) => envelopeOf(reading, i + j));
    const { anomalies } = transformBatch(batch, contexts, detectors);
    raised.push(...anomalies.filter((anomaly) => anomaly.state === 'raised'));
  }
  return raised;
}

const explains = (label: AnomalyLabel, alarm: AnomalyEvent) =>
  alarm.thing_name === label.thingName &&
  alarm.metric === label.metric &&
  alarm.device_time >= label.start &&
  alarm.device_time <= label.end + graceMs;

describe('anomaly events for the simulator’s injected anomalies', () => {
  it('raises an alarm in nearly every spike and step window and few outside the windows', () => {
    const readings = simulatedReadings();
    const labels = anomalyLabelsOf(readings);
    const raised = raisedAlarmsOf(readings);
    const found = labels.filter((label) => raised.some((alarm) => explains(label, alarm)));
    const recall = (kind: AnomalyKind) =>
      found.filter((label) => label.kind === kind).length /
      labels.filter((label) => label.kind === kind).length;
    const falseAlarms = raised.filter((alarm) => !labels.some((label) => explains(label, alarm)));
    const seriesDays =
      (new Set(labels.map((label) => `${label.thingName}/${label.metric}`)).size * hours) / 24;
    const figures = {
      labels: labels.length,
      spikes: recall('spike'),
      steps: recall('step'),
      drifts: recall('drift'),
      falseAlarmsPerSeriesDay: falseAlarms.length / seriesDays,
    };
    console.log('injected anomalies found (seed 7, 4 devices × 24 h at 10 s):', figures);

    // Measured: spikes 59/63, steps 9/9, drifts 2/4; 10 false alarms in 8 series-days, all the detector's
    // (the point rule raised none). Without the point rule spikes were 1/63 once the range rule waits a
    // day; without that wait, 38 false alarms (out-of-range scores on the first day's daily cycle).
    expect(labels.length).toBeGreaterThan(60);
    expect(figures.spikes).toBeGreaterThanOrEqual(0.85);
    expect(figures.steps).toBeGreaterThanOrEqual(0.85);
    expect(figures.drifts).toBeGreaterThanOrEqual(0.25);
    expect(figures.falseAlarmsPerSeriesDay).toBeLessThan(2);
  });
});
