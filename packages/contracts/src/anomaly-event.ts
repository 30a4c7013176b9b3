// An alarm transition raised or cleared by the anomaly detector for one (thing, metric) series.
import { z } from 'zod';
import { column } from './lake-columns.js';

export const anomalyStates = ['raised', 'cleared'] as const;
export const anomalySeverities = ['warning', 'critical'] as const;

export const AnomalyEvent = z.object({
  event_id: column.string(),
  thing_name: column.string(),
  metric: column.string(),
  state: column.enumOf(anomalyStates),
  score: column.double(),
  value: column.double(),
  device_time: column.timestamp(),
  received_at: column.timestamp(),
  detector: column.string(),
  correlation_id: column.string(),
  /** Of the alarm raised (a `cleared` event repeats it); null in rows written before severities existed. */
  severity: column.enumOf(anomalySeverities).nullable(),
});
export type AnomalyEvent = z.infer<typeof AnomalyEvent>;
