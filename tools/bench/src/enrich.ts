// `pnpm bench enrich`: enrichments per second of the simulator's environment-sensor profile on one core
// (target ≥ 1M readings/s, i.e. ≤ 1 s per million), against the baseline of copying each metric of the
// reading into a row with an object spread: the floor any enrichment that emits one row per metric pays.
// Each enrichment is one reading (temperature and humidity) turned into its rows: two calibrated metrics in
// canonical units with registry and shadow context, plus the derived dew point.
import type { EnrichedReading, TelemetryEnvelope } from '@tributary/contracts';
import { ThingEnrichment, type IdentifiedReading, type ThingContext } from '@tributary/transform';
import { formatComparison, meetsTarget, type Comparison } from './measure.js';

const thingCount = 100;
const distinctReadings = 100_000;
const enrichmentsPerRun = 1_000_000;
const repeats = 5;

interface Workload {
  readonly thingNames: readonly string[];
  readonly contexts: readonly ThingContext[];
  readonly readings: readonly IdentifiedReading[];
  readonly envelopes: readonly TelemetryEnvelope[];
}

/** Deterministic readings of a fleet of environment sensors, each with a site, groups and a calibration. */
function enrichmentWorkload(): Workload {
  const thingNames = Array.from({ length: thingCount }, (_, i) => `sim-sensor-${i}`);
  const contexts = thingNames.map<ThingContext>((thingName, i) => ({
    thingName,
    thingType: 'environment-sensor',
    attributes: { site: i % 2 === 0 ? 'plant-north' : 'plant-south', location: `hall-${i % 7}` },
    groups: ['fleet', `line-${i % 4}`],
    reported: {
      firmware: '2.4.1',
      calibration: { temperature: { gain: 1.01, offset: -0.2 }, humidity: { offset: 1.5 } },
    },
  }));
  const readings: IdentifiedReading[] = [];
  const envelopes: TelemetryEnvelope[] = [];
  for (let i = 0; i < distinctReadings; i += 1) {
    const receivedAt = Date.UTC(2026, 0, 1) + i * 1000;
    readings.push({
      messageId: `m-${i}`,
      ts: receivedAt - 40,
      metrics: { temperature: 21 + 3 * Math.sin(i / 500), humidity: 45 - 5 * Math.cos(i / 700) },
    });
    envelopes.push({
      topic: `dt/tributary/${thingNames[i % thingCount]}/telemetry`,
      clientId: thingNames[i % thingCount]!,
      receivedAt,
      correlationId: `c-${i}`,
      payload: '',
    });
  }
  return { thingNames, contexts, readings, envelopes };
}

type EnrichOne = (
  thing: number,
  reading: IdentifiedReading,
  envelope: TelemetryEnvelope,
  out: EnrichedReading[],
) => void;

/** Milliseconds for one million enrichments; the checksum keeps the rows from being optimised away. */
function timeEnrichments(workload: Workload, enrichOne: EnrichOne): number {
  const rows: EnrichedReading[] = [];
  let checksum = 0;
  const started = performance.now();
  for (let n = 0; n < enrichmentsPerRun; n += 1) {
    const i = n % distinctReadings;
    rows.length = 0;
    enrichOne(i % thingCount, workload.readings[i]!, workload.envelopes[i]!, rows);
    checksum += rows[rows.length - 1]!.value;
  }
  const elapsed = performance.now() - started;
  if (!Number.isFinite(checksum)) throw new Error('enrichment produced a non-finite value');
  return (elapsed * 1e6) / enrichmentsPerRun;
}

/** The baseline: each metric copied into a row by spreading a row of the thing's registry context. */
function spreadCopy(workload: Workload): EnrichOne {
  const templates = workload.contexts.map((context): EnrichedReading => ({
    thing_name: context.thingName,
    metric: '',
    value: 0,
    device_time: 0,
    received_at: 0,
    message_id: '',
    correlation_id: '',
    thing_type: context.thingType,
    site: context.attributes['site'] ?? null,
    anomaly_score: null,
    unit: null,
    raw_value: null,
    location: context.attributes['location'] ?? null,
    thing_groups: null,
    firmware: null,
    sequence: null,
  }));
  return (thing, reading, envelope, out) => {
    for (const metric in reading.metrics) {
      const value = reading.metrics[metric]!;
      out.push({
        ...templates[thing]!,
        metric,
        value,
        raw_value: value,
        device_time: reading.ts ?? envelope.receivedAt,
        received_at: envelope.receivedAt,
        message_id: reading.messageId,
        correlation_id: envelope.correlationId,
      });
    }
  };
}

const bestOf = (run: () => number): number => Math.min(...Array.from({ length: repeats }, run));

export async function enrich(): Promise<boolean> {
  const workload = enrichmentWorkload();
  const enrichment = new ThingEnrichment();
  const enrichers = workload.contexts.map((context) => enrichment.enricherFor(context));
  const profiled: EnrichOne = (thing, reading, envelope, out) =>
    enrichers[thing]!(workload.thingNames[thing]!, reading, envelope, out);
  const baselineMs = bestOf(() => timeEnrichments(workload, spreadCopy(workload)));
  // Through ThingEnrichment.enrichReading too, as transformBatch calls it (a WeakMap lookup per reading).
  const viaContext: EnrichOne = (thing, reading, envelope, out) =>
    enrichment.enrichReading(workload.thingNames[thing]!, reading, envelope, workload.contexts[thing], out);
  // One untimed run each, so the first measured does not pay the others' compilation.
  for (const enrichOne of [profiled, viaContext]) timeEnrichments(workload, enrichOne);
  const comparisons: Comparison[] = [
    {
      label: 'environment-sensor profile: 1M readings',
      valueMs: bestOf(() => timeEnrichments(workload, profiled)),
      baselineMs,
      targetMs: 1000,
    },
    {
      label: '  looked up per reading by context',
      valueMs: bestOf(() => timeEnrichments(workload, viaContext)),
      baselineMs,
      targetMs: 1000,
    },
  ];
  console.log(
    `${enrichmentsPerRun.toLocaleString('en')} readings (2 metrics each → 3 rows) of ${thingCount} things, best of ${repeats}; baseline: object-spread copy per metric`,
  );
  for (const comparison of comparisons) {
    const perSecond = (1e6 * 1000) / comparison.valueMs;
    console.log(`${formatComparison(comparison)}   (${(perSecond / 1e6).toFixed(2)} M enrichments/s)`);
  }
  return comparisons.every(meetsTarget);
}
