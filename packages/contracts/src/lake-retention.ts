// How long each lake table keeps a data file, counted from when it was written, as the lake bucket's S3
// lifecycle rule counts it: raw rows briefly, their rollups for longer, so old charts still draw after the
// readings behind them are gone. One setting per table, validated with zod.
import { z } from 'zod';

const days = z.number().int().positive();

export const LakeRetentionDays = z.object({
  telemetry: days.default(30),
  anomalies: days.default(365),
  quarantine: days.default(30),
  // A year of a shadow's versions answers "what was this device configured to, and when"; connection
  // history is for troubleshooting the recent past.
  shadow_history: days.default(365),
  lifecycle_events: days.default(90),
  telemetry_1m: days.default(90),
  telemetry_1h: days.default(730),
});
export type LakeRetentionDays = z.infer<typeof LakeRetentionDays>;

/** The retention of every table when nothing overrides it. */
export const defaultLakeRetentionDays: LakeRetentionDays = LakeRetentionDays.parse({});
