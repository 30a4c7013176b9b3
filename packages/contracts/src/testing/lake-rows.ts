// Test fixtures: rows that satisfy the lake contracts, with the fields a test cares about overridden.
// For tests only (`@tributary/contracts/testing`); nothing at runtime imports it.
import type { AnomalyEvent } from '../anomaly-event.js';
import type { EnrichedReading } from '../enriched-reading.js';
import type { QuarantineRecord } from '../quarantine.js';

export const receivedAt = Date.UTC(2026, 10, 25, 5, 15, 30, 123);

export const aReading = (overrides: Partial<EnrichedReading> = {}): EnrichedReading => ({
  thing_name: 'pump-7',
  metric: 'temperature',
  value: 21.5,
  device_time: receivedAt - 40,
  received_at: receivedAt,
  message_id: 'm-1',
  correlation_id: 'c-1',
  thing_type: 'pump',
  site: 'plant-a',
  anomaly_score: null,
  unit: null,
  raw_value: null,
  location: null,
  thing_groups: null,
  firmware: null,
  sequence: null,
  ...overrides,
});

/**
 * A fleet's recent telemetry: things sim-0000…, each with temperature and humidity read 20 and 10 minutes
 * before `now` (what a dashboard over a live fleet shows).
 */
export const aFleetOfReadings = (devices: number, now: number): EnrichedReading[] =>
  Array.from({ length: devices }, (_, d) => `sim-${String(d).padStart(4, '0')}`).flatMap((thing_name, d) =>
    [20, 10].flatMap((minutesAgo) =>
      ['temperature', 'humidity'].map((metric) =>
        aReading({
          thing_name,
          metric,
          value: 20 + (d % 10) + minutesAgo / 10,
          received_at: now - minutesAgo * 60_000 + d,
          message_id: `${thing_name}-${minutesAgo}`,
        }),
      ),
    ),
  );

export const anAnomaly = (overrides: Partial<AnomalyEvent> = {}): AnomalyEvent => ({
  event_id: 'e-1',
  thing_name: 'pump-7',
  metric: 'temperature',
  state: 'raised',
  score: 0.97,
  value: 88.1,
  device_time: receivedAt,
  received_at: receivedAt,
  detector: 'likelihood-ensemble',
  correlation_id: 'c-1',
  severity: 'critical',
  ...overrides,
});

export const aQuarantineRecord = (overrides: Partial<QuarantineRecord> = {}): QuarantineRecord => ({
  correlation_id: 'q-1',
  received_at: receivedAt,
  topic: 'dt/tributary/pump-7/telemetry',
  client_id: 'pump-7',
  thing_name: 'pump-7',
  stage: 'transform',
  reason: 'INVALID_JSON',
  detail: 'payload is not valid JSON',
  payload_base64: Buffer.from('{"metrics":').toString('base64'),
  ...overrides,
});
