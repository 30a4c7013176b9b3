// One metric of one reading after Transform: validated, enriched with registry and shadow context, its
// value normalised to the metric's canonical unit, and scored. It is also the row of the lake's telemetry
// table, so its field names are the column names. Columns added later are nullable and come last, so the
// catalogue change is additive (files written before them read the new columns as NULL).
import { z } from 'zod';
import { column } from './lake-columns.js';

export const EnrichedReading = z.object({
  thing_name: column.string(),
  metric: column.string(),
  /** The metric's value, calibrated and in `unit` where the thing type's profile says so; else as sent. */
  value: column.double(),
  /** Device time; equals received_at when the device sent none. */
  device_time: column.timestamp(),
  /** Server receive time at the rules engine (IoT SQL `timestamp()`); partitions use it. */
  received_at: column.timestamp(),
  /** The device's message id, or the correlation id when the device sent none. */
  message_id: column.string(),
  correlation_id: column.string(),
  thing_type: column.string().nullable(),
  site: column.string().nullable(),
  /** In [0, 1]; null while the detector is still learning the series. */
  anomaly_score: column.double().nullable(),
  /** The canonical unit `value` is in (e.g. `°C`, `kPa`); null when the thing type's profile does not know the metric. */
  unit: column.string().nullable(),
  /** What the device sent, before calibration and unit conversion; null for a derived metric (e.g. dew point). */
  raw_value: column.double().nullable(),
  /** The registry attribute the thing type's profile names as its location. */
  location: column.string().nullable(),
  /** The static thing groups the thing is a direct member of, sorted, comma-separated (split(thing_groups, ',') in SQL). */
  thing_groups: column.string().nullable(),
  /** The firmware the device reported in its shadow, where its profile asks for it. */
  firmware: column.string().nullable(),
  /** The device's own counter (`seq`), where it sends one: gaps in it are messages lost before IoT Core. */
  sequence: column.bigint().nullable(),
});
export type EnrichedReading = z.infer<typeof EnrichedReading>;

/** Identifies a row across redeliveries and replays: the lake never holds two rows with one key. */
export const readingKey = (r: Pick<EnrichedReading, 'thing_name' | 'message_id' | 'metric'>): string =>
  `${r.thing_name}/${r.message_id}/${r.metric}`;
