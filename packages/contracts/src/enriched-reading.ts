// One metric of one reading after Transform: validated, enriched with registry context and scored.
// It is also the row of the lake's telemetry table, so its field names are the column names.
import { z } from 'zod';
import { column } from './lake-columns.js';

export const EnrichedReading = z.object({
  thing_name: column.string(),
  metric: column.string(),
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
});
export type EnrichedReading = z.infer<typeof EnrichedReading>;

/** Identifies a row across redeliveries and replays: the lake never holds two rows with one key. */
export const readingKey = (r: Pick<EnrichedReading, 'thing_name' | 'message_id' | 'metric'>): string =>
  `${r.thing_name}/${r.message_id}/${r.metric}`;
