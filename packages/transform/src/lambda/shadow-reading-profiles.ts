// Which thing types' enrichment profiles take a column or a calibration from the shadow's `reported`
// section, so the Lambda calls GetThingShadow only for things whose profile will use the answer.
import type { IoTDataPlaneClient } from '@aws-sdk/client-iot-data-plane';
import {
  defaultEnrichmentProfiles,
  parseEnrichmentProfile,
  type EnrichmentProfile,
  type EnrichmentProfileInput,
} from '../core/index.js';
import { IotShadowReader } from './iot-shadow-reader.js';
import type { IotThingRegistry } from './iot-thing-registry.js';

/** True when a thing of `thingType` (null: no type) is enriched by a profile that reads its shadow. */
export type ShadowNeedOfThingType = (thingType: string | null) => boolean;

export function shadowNeedOf(
  profiles: readonly EnrichmentProfileInput[] = defaultEnrichmentProfiles,
): ShadowNeedOfThingType {
  const readsShadowByType = new Map(
    profiles.map(parseEnrichmentProfile).map((profile) => [profile.thingType, readsShadow(profile)]),
  );
  // ThingEnrichment enriches a type without a profile of its own with the `*` profile.
  const fallback = readsShadowByType.get('*') ?? false;
  return (thingType) => (thingType === null ? fallback : (readsShadowByType.get(thingType) ?? fallback));
}

function readsShadow(profile: EnrichmentProfile): boolean {
  const isReported = (source: unknown) =>
    typeof source === 'object' && source !== null && 'reported' in source;
  return (
    Object.values(profile.columns).some(isReported) ||
    Object.values(profile.metrics).some(
      (metric) =>
        metric.calibration !== undefined &&
        (isReported(metric.calibration.gain) || isReported(metric.calibration.offset)),
    )
  );
}

/**
 * A shadow reader that skips things whose profile reads no shadow. ThingContextCache reads the shadow right
 * after DescribeThing, so the registry knows the thing's type; a thing it has not described is read.
 */
export function profileShadowReader(
  registry: Pick<IotThingRegistry, 'thingTypeOf'>,
  client: IoTDataPlaneClient,
  profiles: readonly EnrichmentProfileInput[] = defaultEnrichmentProfiles,
): IotShadowReader {
  const profileReadsShadow = shadowNeedOf(profiles);
  return new IotShadowReader(client, (thingName) => {
    const thingType = registry.thingTypeOf(thingName);
    return thingType === undefined || profileReadsShadow(thingType);
  });
}
