// Turns a validated enrichment profile into a fast function. Compiling checks what the schema cannot (units
// of one quantity, derived inputs in the units their formula needs) and precomputes the unit conversions;
// binding to a thing fixes its context columns and calibration; enriching a reading then costs one
// multiply-add per metric and allocates nothing but the output rows.
import type { EnrichedReading, TelemetryEnvelope } from '@tributary/contracts';
import type { IdentifiedReading } from '../validate-envelope.js';
import { dewPointCelsius, heatIndexCelsius } from './derived-formulas.js';
import {
  InvalidEnrichmentProfileError,
  type DerivedMetric,
  type EnrichmentProfile,
  type NumberSource,
  type TextSource,
} from './enrichment-profile.js';
import type { ThingContext } from './thing-context.js';
import { composeMaps, conversionBetween, quantityOf, type LinearMap, type Unit } from './units.js';

/** Adds one thing's enriched rows for a reading to `out`. */
export type ReadingEnricher = (
  thingName: string,
  reading: IdentifiedReading,
  envelope: TelemetryEnvelope,
  out: EnrichedReading[],
) => void;

export interface CompiledProfile {
  readonly thingType: string;
  /** Fixes what depends on the thing (context columns, calibration) once for all its readings. */
  bind(context: ThingContext | undefined): ReadingEnricher;
}

interface MetricPlan extends LinearMap {
  readonly unit: Unit;
}

interface DerivedPlan {
  readonly metric: string;
  readonly unit: Unit | null;
  readonly inputs: readonly [string, string?];
  readonly compute: (first: number, second: number) => number;
}

export function compileProfile(profile: EnrichmentProfile): CompiledProfile {
  const fail = (problem: string): never => {
    throw new InvalidEnrichmentProfileError(profile.thingType, problem);
  };
  const conversions = new Map<string, { readonly unit: Unit; readonly conversion: LinearMap }>();
  for (const [metric, { unit, deviceUnit = unit }] of Object.entries(profile.metrics)) {
    const conversion = conversionBetween(deviceUnit, unit);
    if (!conversion) {
      fail(
        `metric "${metric}" arrives in ${deviceUnit} (${quantityOf(deviceUnit)}), which cannot be converted to ${unit} (${quantityOf(unit)})`,
      );
    }
    conversions.set(metric, { unit, conversion: conversion! });
  }
  const derivedPlans = profile.derived.map((derived) => derivedPlanOf(derived, profile, fail));
  const names = new Set(Object.keys(profile.metrics));
  for (const { metric } of derivedPlans) {
    if (names.has(metric)) fail(`derived metric "${metric}" has the name of another metric`);
    names.add(metric);
  }

  return {
    thingType: profile.thingType,
    bind(context) {
      const plans = new Map<string, MetricPlan>();
      for (const [metric, { unit, conversion }] of conversions) {
        const calibration = profile.metrics[metric]?.calibration;
        const calibrationMap = calibration
          ? {
              scale: numberFrom(calibration.gain, context, 1),
              offset: numberFrom(calibration.offset, context, 0),
            }
          : undefined;
        plans.set(metric, {
          unit,
          ...(calibrationMap ? composeMaps(conversion, calibrationMap) : conversion),
        });
      }
      const groups =
        profile.thingGroups && context?.groups && context.groups.length > 0
          ? [...context.groups].sort().join(',')
          : null;
      return rowWriter(
        {
          thing_type: context?.thingType ?? null,
          site: textFrom(profile.columns.site, context),
          location: textFrom(profile.columns.location, context),
          thing_groups: groups,
          firmware: textFrom(profile.columns.firmware, context),
        },
        plans,
        derivedPlans,
      );
    },
  };
}

type ContextColumns = Pick<EnrichedReading, 'thing_type' | 'site' | 'location' | 'thing_groups' | 'firmware'>;

function rowWriter(
  columns: ContextColumns,
  plans: ReadonlyMap<string, MetricPlan>,
  derivedPlans: readonly DerivedPlan[],
): ReadingEnricher {
  const normalised = (metrics: Readonly<Record<string, number>>, metric: string): number | undefined => {
    const sent = metrics[metric];
    if (sent === undefined) return undefined;
    const plan = plans.get(metric);
    return plan ? plan.scale * sent + plan.offset : sent;
  };
  return (thingName, reading, envelope, out) => {
    const metrics = reading.metrics;
    for (const metric in metrics) {
      const sent = metrics[metric]!;
      const plan = plans.get(metric);
      if (plan) {
        pushRow(
          out,
          thingName,
          reading,
          envelope,
          columns,
          metric,
          plan.scale * sent + plan.offset,
          plan.unit,
          sent,
        );
      } else {
        pushRow(out, thingName, reading, envelope, columns, metric, sent, null, sent);
      }
    }
    for (const derived of derivedPlans) {
      const first = normalised(metrics, derived.inputs[0]);
      const second = derived.inputs[1] === undefined ? 0 : normalised(metrics, derived.inputs[1]);
      if (first === undefined || second === undefined) continue;
      const value = derived.compute(first, second);
      if (Number.isFinite(value)) {
        pushRow(out, thingName, reading, envelope, columns, derived.metric, value, derived.unit, null);
      }
    }
  };
}

/** Every row is built by this one literal, in one field order, so V8 gives them all one hidden class. */
function pushRow(
  out: EnrichedReading[],
  thingName: string,
  reading: IdentifiedReading,
  envelope: TelemetryEnvelope,
  columns: ContextColumns,
  metric: string,
  value: number,
  unit: string | null,
  rawValue: number | null,
): void {
  out.push({
    thing_name: thingName,
    metric,
    value,
    device_time: reading.ts ?? envelope.receivedAt,
    received_at: envelope.receivedAt,
    message_id: reading.messageId,
    correlation_id: envelope.correlationId,
    thing_type: columns.thing_type,
    site: columns.site,
    anomaly_score: null,
    unit,
    raw_value: rawValue,
    location: columns.location,
    thing_groups: columns.thing_groups,
    firmware: columns.firmware,
    sequence: reading.seq ?? null,
  });
}

function derivedPlanOf(
  derived: DerivedMetric,
  profile: EnrichmentProfile,
  fail: (problem: string) => never,
): DerivedPlan {
  if (derived.kind === 'linear') {
    const { gain, offset } = derived;
    return {
      metric: derived.metric,
      unit: derived.unit,
      inputs: [derived.from],
      compute: (value) => gain * value + offset,
    };
  }
  const needs = (input: string, unit: Unit) => {
    if (profile.metrics[input]?.unit !== unit) {
      fail(
        `${derived.kind} "${derived.metric}" needs metric "${input}" declared in metrics with unit ${unit}`,
      );
    }
  };
  needs(derived.temperature, '°C');
  needs(derived.humidity, '%');
  return {
    metric: derived.metric,
    unit: '°C',
    inputs: [derived.temperature, derived.humidity],
    compute: derived.kind === 'heatIndex' ? heatIndexCelsius : dewPointCelsius,
  };
}

function textFrom(source: TextSource | undefined, context: ThingContext | undefined): string | null {
  if (!source || !context) return null;
  if ('attribute' in source) return context.attributes[source.attribute] ?? null;
  const value = reportedAt(context, source.reported);
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
    ? String(value)
    : null;
}

/** A calibration number: the constant, or the device's reported one (the default when it reports none). */
function numberFrom(source: NumberSource, context: ThingContext | undefined, fallback: number): number {
  if (typeof source === 'number') return source;
  const value = context && reportedAt(context, source.reported);
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

function reportedAt(context: ThingContext, path: string): unknown {
  let value: unknown = context.reported;
  for (const field of path.split('.')) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, field)) return undefined;
    value = (value as Record<string, unknown>)[field];
  }
  return value;
}
