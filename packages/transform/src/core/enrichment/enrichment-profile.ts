// What enrichment does for one thing type, as data: which registry attributes and shadow `reported` fields
// fill the context columns, the unit each metric arrives in and the canonical unit the lake keeps, the
// calibration to apply, and the derived metrics to add. It lives in the Transform core, not in contracts:
// only this stage reads it; what crosses the stage boundary is the EnrichedReading row it produces.
import { MetricName } from '@tributary/contracts';
import { z } from 'zod';
import { knownUnits } from './units.js';

const Unit = z.enum(knownUnits);

/** A dot path into the shadow's `reported` section, e.g. `calibration.temperature.offset`. */
const ReportedPath = z
  .string()
  .regex(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/, 'reported path must be dot-separated field names');

/** Where a context column's text comes from. */
const TextSource = z.union([
  z.object({ attribute: z.string().min(1) }).strict(),
  z.object({ reported: ReportedPath }).strict(),
]);
export type TextSource = z.infer<typeof TextSource>;

/** A constant, or a number the device reports in its shadow (absent or not a number: the default). */
const NumberSource = z.union([z.number().finite(), z.object({ reported: ReportedPath }).strict()]);
export type NumberSource = z.infer<typeof NumberSource>;

const MetricProfile = z
  .object({
    /** The canonical unit: the lake's `unit`, and the unit `value` is converted to. */
    unit: Unit,
    /** The unit the thing type sends. @default unit */
    deviceUnit: Unit.optional(),
    /** `gain * sent + offset`, in the device's unit, before conversion. */
    calibration: z
      .object({ gain: NumberSource.default(1), offset: NumberSource.default(0) })
      .strict()
      .optional(),
  })
  .strict();
export type MetricProfile = z.infer<typeof MetricProfile>;

/** The closed set of derived metrics: each adds one row per reading that carries all its inputs. */
const DerivedMetric = z.discriminatedUnion('kind', [
  /** NWS heat index (Rothfusz regression, Steadman below 80 °F) from °C and % relative humidity; in °C. */
  z
    .object({
      kind: z.literal('heatIndex'),
      metric: MetricName,
      temperature: MetricName,
      humidity: MetricName,
    })
    .strict(),
  /** Dew point (Magnus formula) from °C and % relative humidity; in °C. */
  z
    .object({
      kind: z.literal('dewPoint'),
      metric: MetricName,
      temperature: MetricName,
      humidity: MetricName,
    })
    .strict(),
  /** `gain * from + offset` of another metric (after its own normalisation), in `unit`. */
  z
    .object({
      kind: z.literal('linear'),
      metric: MetricName,
      from: MetricName,
      gain: z.number().finite(),
      offset: z.number().finite().default(0),
      unit: Unit.nullable().default(null),
    })
    .strict(),
]);
export type DerivedMetric = z.infer<typeof DerivedMetric>;

export const EnrichmentProfile = z
  .object({
    /** The registry thing type the profile is for; `*` is the profile of things with no other. */
    thingType: z.string().min(1),
    /** Where each context column comes from; a column not named here is null. */
    columns: z
      .object({ site: TextSource, location: TextSource, firmware: TextSource })
      .partial()
      .strict()
      .default({}),
    /** Copy the thing's direct static groups into `thing_groups`. */
    thingGroups: z.boolean().default(false),
    /** Metrics the profile normalises; others pass through with a null unit. */
    metrics: z.record(MetricName, MetricProfile).default({}),
    derived: z.array(DerivedMetric).default([]),
  })
  .strict();
export type EnrichmentProfile = z.infer<typeof EnrichmentProfile>;
export type EnrichmentProfileInput = z.input<typeof EnrichmentProfile>;

export class InvalidEnrichmentProfileError extends Error {
  readonly code = 'INVALID_ENRICHMENT_PROFILE';
  constructor(
    readonly thingType: string,
    problem: string,
  ) {
    super(`Enrichment profile for thing type "${thingType}" is invalid: ${problem}`);
    this.name = 'InvalidEnrichmentProfileError';
  }
}

/** Validates a profile's shape; the cross-field rules (units, inputs) are checked when it is compiled. */
export function parseEnrichmentProfile(input: unknown): EnrichmentProfile {
  const parsed = EnrichmentProfile.safeParse(input);
  if (parsed.success) return parsed.data;
  const thingType =
    input !== null && typeof input === 'object' && 'thingType' in input ? String(input.thingType) : '?';
  throw new InvalidEnrichmentProfileError(thingType, z.prettifyError(parsed.error).replaceAll('\n', '; '));
}
