// Enrichment for a whole fleet: one compiled profile per thing type, bound once per thing context. The
// binding is memoised per context object, so as long as an adapter hands the same context the per-reading
// cost is a map lookup and the rows; a changed context (a new object) is bound afresh.
import type { EnrichedReading, TelemetryEnvelope } from '@tributary/contracts';
import type { IdentifiedReading } from '../validate-envelope.js';
import { compileProfile, type CompiledProfile, type ReadingEnricher } from './compile-profile.js';
import { anyThingProfile, defaultEnrichmentProfiles } from './default-profiles.js';
import { InvalidEnrichmentProfileError, parseEnrichmentProfile } from './enrichment-profile.js';
import type { ThingContext } from './thing-context.js';

export class ThingEnrichment {
  private readonly profilesByType = new Map<string, CompiledProfile>();
  private readonly fallback: CompiledProfile;
  private readonly withoutContext: ReadingEnricher;
  private readonly bound = new WeakMap<ThingContext, ReadingEnricher>();

  /** Validates and compiles every profile; throws InvalidEnrichmentProfileError on the first bad one. */
  constructor(profiles: readonly unknown[] = defaultEnrichmentProfiles) {
    for (const input of profiles) {
      const compiled = compileProfile(parseEnrichmentProfile(input));
      if (this.profilesByType.has(compiled.thingType)) {
        throw new InvalidEnrichmentProfileError(
          compiled.thingType,
          'another profile is for the same thing type',
        );
      }
      this.profilesByType.set(compiled.thingType, compiled);
    }
    this.fallback =
      this.profilesByType.get(anyThingProfile.thingType) ??
      compileProfile(parseEnrichmentProfile(anyThingProfile));
    this.withoutContext = this.fallback.bind(undefined);
  }

  /** The enricher of one thing, for callers that enrich many readings of it (e.g. a benchmark). */
  enricherFor(context: ThingContext | undefined): ReadingEnricher {
    if (!context) return this.withoutContext;
    let enricher = this.bound.get(context);
    if (!enricher) {
      const profile =
        (context.thingType !== null && this.profilesByType.get(context.thingType)) || this.fallback;
      enricher = profile.bind(context);
      this.bound.set(context, enricher);
    }
    return enricher;
  }

  /** Adds the reading's rows to `out`: one per metric, then one per derived metric it has the inputs of. */
  enrichReading(
    thingName: string,
    reading: IdentifiedReading,
    envelope: TelemetryEnvelope,
    context: ThingContext | undefined,
    out: EnrichedReading[],
  ): void {
    this.enricherFor(context)(thingName, reading, envelope, out);
  }
}

/** The platform's default profiles, compiled once. */
export const defaultEnrichment = new ThingEnrichment();
