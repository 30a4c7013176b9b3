// What a simulated (device, metric) signal is made of, validated once when the signal is built.
import { z } from 'zod';
import { SimulationSpecError } from './simulation-errors.js';

const rate = z.number().nonnegative();
const positive = z.number().positive();

export const SignalSpec = z
  .object({
    /** The level at the signal's first point. */
    base: z.number(),
    /** Linear change per hour since the first point. @default 0 */
    trendPerHour: z.number().default(0),
    /** A daily cosine cycle peaking at `peakHourUtc`. @default none */
    seasonality: z
      .object({ amplitude: z.number().nonnegative(), peakHourUtc: z.number().min(0).max(24) })
      .optional(),
    /** Standard deviation of the independent gaussian noise on every point. @default 0 */
    noiseSd: z.number().nonnegative().default(0),
    /** A slow random walk: the sd of its change over one hour (it grows with √time). @default 0 */
    driftSdPerSqrtHour: z.number().nonnegative().default(0),
    /** Injected, labelled anomalies; magnitudes are in units of `noiseSd`. @default none */
    anomalies: z
      .object({
        /** Single-point outliers. */
        spikes: z.object({ perHour: rate, magnitudeSd: positive }).optional(),
        /** Level shifts that persist; labelled for `labelledForMs` after the shift. */
        steps: z.object({ perHour: rate, magnitudeSd: positive, labelledForMs: positive }).optional(),
        /** Episodes that ramp the level by `magnitudeSd` over `durationMs`; the new level persists. */
        drifts: z.object({ perHour: rate, magnitudeSd: positive, durationMs: positive }).optional(),
      })
      .default({}),
  })
  .refine(
    (spec) => spec.noiseSd > 0 || Object.keys(spec.anomalies).length === 0,
    'anomaly magnitudes are in noise sd: set noiseSd > 0 or remove the anomalies',
  );
/** A spec as written by a caller (defaults omitted). */
export type SignalSpecInput = z.input<typeof SignalSpec>;
/** A validated spec with its defaults filled in. */
export type SignalSpec = z.output<typeof SignalSpec>;

export function parseSignalSpec(spec: SignalSpecInput, subject = 'signal spec'): SignalSpec {
  const parsed = SignalSpec.safeParse(spec);
  if (!parsed.success) {
    throw new SimulationSpecError(
      subject,
      parsed.error.issues.map((issue) => `${issue.path.join('.') || '(spec)'}: ${issue.message}`),
    );
  }
  return parsed.data;
}
