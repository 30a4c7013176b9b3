// The profiles the platform ships: the simulator's environment sensor, and the one for things of any other
// (or no) type, which keeps the registry context every reading has always carried.
import type { EnrichmentProfileInput } from './enrichment-profile.js';

/** The profile of things whose type has none of its own. */
export const anyThingProfile: EnrichmentProfileInput = {
  thingType: '*',
  columns: { site: { attribute: 'site' }, location: { attribute: 'location' } },
  thingGroups: true,
};

/** The simulator's thing type (ingest's fleet simulator and `tributary simulate` register it). */
export const environmentSensorProfile: EnrichmentProfileInput = {
  thingType: 'environment-sensor',
  columns: {
    site: { attribute: 'site' },
    location: { attribute: 'location' },
    firmware: { reported: 'firmware' },
  },
  thingGroups: true,
  metrics: {
    temperature: {
      unit: '°C',
      calibration: {
        gain: { reported: 'calibration.temperature.gain' },
        offset: { reported: 'calibration.temperature.offset' },
      },
    },
    humidity: {
      unit: '%',
      calibration: {
        gain: { reported: 'calibration.humidity.gain' },
        offset: { reported: 'calibration.humidity.offset' },
      },
    },
    pressure: { unit: 'kPa' },
  },
  derived: [{ kind: 'dewPoint', metric: 'dew_point', temperature: 'temperature', humidity: 'humidity' }],
};

export const defaultEnrichmentProfiles: readonly EnrichmentProfileInput[] = [
  anyThingProfile,
  environmentSensorProfile,
];
