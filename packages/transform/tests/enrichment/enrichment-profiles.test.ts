// The enrichment core: profiles as data compiled into enrichers — context columns from registry and shadow,
// unit normalisation, calibration, derived metrics, and clear errors for a profile that cannot work.
import type { EnrichedReading, TelemetryEnvelope } from '@tributary/contracts';
import { EnrichedReading as EnrichedReadingSchema } from '@tributary/contracts';
import { describe, expect, it } from 'vitest';
import {
  InvalidEnrichmentProfileError,
  ThingEnrichment,
  conversionBetween,
  defaultEnrichment,
  dewPointCelsius,
  heatIndexCelsius,
  type EnrichmentProfileInput,
  type IdentifiedReading,
  type ThingContext,
} from '../../src/core/index.js';

const envelope: TelemetryEnvelope = {
  topic: 'dt/tributary/sensor-1/telemetry',
  clientId: 'sensor-1',
  receivedAt: 1_700_000_000_000,
  correlationId: 'c-1',
  payload: '',
};

const readingOf = (metrics: Record<string, number>): IdentifiedReading => ({
  messageId: 'm-1',
  ts: 1_699_999_999_000,
  metrics,
});

function enrich(
  enrichment: ThingEnrichment,
  context: ThingContext | undefined,
  metrics: Record<string, number>,
): EnrichedReading[] {
  const rows: EnrichedReading[] = [];
  enrichment.enrichReading('sensor-1', readingOf(metrics), envelope, context, rows);
  return rows;
}

const byMetric = (rows: readonly EnrichedReading[]) => new Map(rows.map((row) => [row.metric, row]));

const sensor: ThingContext = {
  thingName: 'sensor-1',
  thingType: 'environment-sensor',
  attributes: { site: 'plant-north', location: 'hall-3' },
  groups: ['north', 'cold-chain'],
  reported: {
    firmware: '2.4.1',
    calibration: { temperature: { gain: 1.02, offset: -0.5 }, humidity: { offset: 2 } },
  },
};

describe('the default profile of the simulator’s environment sensor', () => {
  it('copies registry attributes, groups and reported firmware onto every row, as lake rows', () => {
    const rows = enrich(defaultEnrichment, sensor, { temperature: 20, humidity: 50 });
    expect(rows.map((row) => row.metric)).toEqual(['temperature', 'humidity', 'dew_point']);
    for (const row of rows) {
      expect(row).toMatchObject({
        thing_name: 'sensor-1',
        thing_type: 'environment-sensor',
        site: 'plant-north',
        location: 'hall-3',
        thing_groups: 'cold-chain,north',
        firmware: '2.4.1',
        device_time: 1_699_999_999_000,
        received_at: 1_700_000_000_000,
        message_id: 'm-1',
        correlation_id: 'c-1',
        anomaly_score: null,
      });
      expect(EnrichedReadingSchema.safeParse(row).success).toBe(true);
    }
  });

  it('applies the calibration the device reports in its shadow, and keeps what it sent', () => {
    const rows = byMetric(enrich(defaultEnrichment, sensor, { temperature: 20, humidity: 50 }));
    expect(rows.get('temperature')).toMatchObject({ unit: '°C', raw_value: 20 });
    expect(rows.get('temperature')?.value).toBeCloseTo(1.02 * 20 - 0.5, 12);
    expect(rows.get('humidity')).toMatchObject({ value: 52, unit: '%', raw_value: 50 });
  });

  it('derives the dew point from the calibrated temperature and humidity', () => {
    const rows = byMetric(enrich(defaultEnrichment, sensor, { temperature: 20, humidity: 50 }));
    const dewPoint = rows.get('dew_point');
    expect(dewPoint).toMatchObject({ unit: '°C', raw_value: null });
    expect(dewPoint?.value).toBeCloseTo(dewPointCelsius(1.02 * 20 - 0.5, 52), 12);
    // A reading without humidity has no dew point.
    expect(enrich(defaultEnrichment, sensor, { temperature: 20 }).map((row) => row.metric)).toEqual([
      'temperature',
    ]);
  });

  it('fills null where the registry or the shadow has nothing, and leaves values uncalibrated', () => {
    const bare: ThingContext = { thingName: 'sensor-1', thingType: 'environment-sensor', attributes: {} };
    const [temperature] = enrich(defaultEnrichment, bare, { temperature: 20 });
    expect(temperature).toMatchObject({
      value: 20,
      unit: '°C',
      raw_value: 20,
      site: null,
      location: null,
      thing_groups: null,
      firmware: null,
    });
  });

  it('enriches an unregistered thing with nulls and passes unknown metrics through without a unit', () => {
    const [row] = enrich(defaultEnrichment, undefined, { rpm: 900 });
    expect(row).toMatchObject({
      metric: 'rpm',
      value: 900,
      raw_value: 900,
      unit: null,
      thing_type: null,
      site: null,
    });
  });

  it('gives things of other types their site, location and groups, as before profiles', () => {
    const pump: ThingContext = { thingName: 'pump-7', thingType: 'pump', attributes: { site: 'plant-a' } };
    const [row] = enrich(defaultEnrichment, pump, { pressure: 1.2 });
    expect(row).toMatchObject({ thing_type: 'pump', site: 'plant-a', value: 1.2, unit: null });
  });
});

describe('unit normalisation per thing type', () => {
  const imperial = new ThingEnrichment([
    {
      thingType: 'imperial-boiler',
      metrics: {
        temperature: { unit: '°C', deviceUnit: '°F' },
        pressure: { unit: 'kPa', deviceUnit: 'psi' },
        supply: { unit: 'V', deviceUnit: 'mV', calibration: { gain: 2, offset: 10 } },
      },
    },
  ]);
  const boiler: ThingContext = { thingName: 'b-1', thingType: 'imperial-boiler', attributes: {} };

  it('converts °F to °C and psi to kPa, labelling the row with the canonical unit', () => {
    const rows = byMetric(enrich(imperial, boiler, { temperature: 212, pressure: 14.5 }));
    expect(rows.get('temperature')?.value).toBeCloseTo(100, 10);
    expect(rows.get('temperature')).toMatchObject({ unit: '°C', raw_value: 212 });
    expect(rows.get('pressure')?.value).toBeCloseTo(99.974, 3);
    expect(rows.get('pressure')?.unit).toBe('kPa');
  });

  it('calibrates in the device’s unit before converting', () => {
    const [row] = enrich(imperial, boiler, { supply: 1000 });
    expect(row?.value).toBeCloseTo((2 * 1000 + 10) / 1000, 12);
  });

  it('converts kelvin and refuses to convert between quantities', () => {
    expect(conversionBetween('K', '°C')).toEqual({ scale: 1, offset: -273.15 });
    expect(conversionBetween('psi', '°C')).toBeUndefined();
  });
});

describe('derived metrics', () => {
  it('computes the NWS heat index: close to the temperature when mild, higher when hot and humid', () => {
    expect(heatIndexCelsius(20, 50)).toBeCloseTo(19.6, 0);
    // NWS table: 90 °F at 70 % relative humidity is a heat index of 106 °F.
    expect((heatIndexCelsius(((90 - 32) * 5) / 9, 70) * 9) / 5 + 32).toBeCloseTo(106, 0);
  });

  it('adds a linear derived metric and skips a derived value that is not finite', () => {
    const enrichment = new ThingEnrichment([
      {
        thingType: 'tank',
        metrics: { temperature: { unit: '°C' }, humidity: { unit: '%' } },
        derived: [
          { kind: 'linear', metric: 'level_m', from: 'level_mm', gain: 0.001 },
          { kind: 'dewPoint', metric: 'dew_point', temperature: 'temperature', humidity: 'humidity' },
        ],
      },
    ]);
    const tank: ThingContext = { thingName: 't', thingType: 'tank', attributes: {} };
    const rows = byMetric(enrich(enrichment, tank, { level_mm: 1500, temperature: 20, humidity: 0 }));
    expect(rows.get('level_m')).toMatchObject({ value: 1.5, unit: null, raw_value: null });
    expect(rows.has('dew_point')).toBe(false);
  });
});

describe('invalid profiles', () => {
  const rejects = (profile: unknown, message: RegExp) => {
    expect(() => new ThingEnrichment([profile])).toThrowError(InvalidEnrichmentProfileError);
    expect(() => new ThingEnrichment([profile])).toThrowError(message);
  };

  it('names the thing type and the field when the shape is wrong', () => {
    rejects(
      { thingType: 'pump', metrics: { temperature: { unit: 'furlongs' } } },
      /"pump".*metrics\.temperature\.unit/,
    );
    rejects({ thingType: 'pump', columns: { colour: { attribute: 'c' } } }, /"pump".*colour/);
  });

  it('refuses a unit conversion between quantities', () => {
    rejects(
      { thingType: 'pump', metrics: { pressure: { unit: 'kPa', deviceUnit: '°F' } } },
      /metric "pressure" arrives in °F \(temperature\), which cannot be converted to kPa \(pressure\)/,
    );
  });

  it('refuses a derived metric whose inputs are not in the units its formula needs', () => {
    const profile: EnrichmentProfileInput = {
      thingType: 'pump',
      metrics: { temperature: { unit: 'K' }, humidity: { unit: '%' } },
      derived: [
        { kind: 'heatIndex', metric: 'heat_index', temperature: 'temperature', humidity: 'humidity' },
      ],
    };
    rejects(profile, /needs metric "temperature" declared in metrics with unit °C/);
  });

  it('refuses a derived metric named like a metric, and two profiles for one type', () => {
    rejects(
      {
        thingType: 'pump',
        metrics: { x: { unit: 'V' } },
        derived: [{ kind: 'linear', metric: 'x', from: 'x', gain: 2 }],
      },
      /derived metric "x" has the name of another metric/,
    );
    expect(() => new ThingEnrichment([{ thingType: 'pump' }, { thingType: 'pump' }])).toThrowError(
      /"pump".*another profile is for the same thing type/,
    );
  });
});

describe('binding per context', () => {
  it('reuses a thing’s binding while its context is the same object, and rebinds a new one', () => {
    const enrichment = new ThingEnrichment();
    const first = enrichment.enricherFor(sensor);
    expect(enrichment.enricherFor(sensor)).toBe(first);
    const updated: ThingContext = { ...sensor, reported: { firmware: '2.5.0' } };
    expect(enrich(enrichment, updated, { temperature: 20 })[0]).toMatchObject({
      firmware: '2.5.0',
      value: 20,
    });
  });
});
