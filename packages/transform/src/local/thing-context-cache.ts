// Registry context for enrichment, cached for a short time so a busy stream does not query the
// registry for every record.
import type { ThingContext } from '../core/enrich.js';

/** What enrichment needs of a registry: the local one (DuckDB) and IoT's DescribeThing both fit. */
export interface ThingRegistry {
  describeThing(
    thingName: string,
  ): Promise<
    | { readonly thingTypeName: string | null; readonly attributes: Readonly<Record<string, string>> }
    | undefined
  >;
}

export class ThingContextCache {
  private readonly entries = new Map<string, { context: ThingContext | undefined; expiresAt: number }>();

  constructor(
    private readonly registry: ThingRegistry,
    private readonly ttlMs = 5_000,
    private readonly clock: () => number = Date.now,
  ) {}

  async contextsFor(thingNames: readonly string[]): Promise<Map<string, ThingContext>> {
    const contexts = new Map<string, ThingContext>();
    for (const thingName of thingNames) {
      const context = await this.contextFor(thingName);
      if (context) contexts.set(thingName, context);
    }
    return contexts;
  }

  private async contextFor(thingName: string): Promise<ThingContext | undefined> {
    const cached = this.entries.get(thingName);
    if (cached && cached.expiresAt > this.clock()) return cached.context;
    const thing = await this.registry.describeThing(thingName);
    const context = thing && { thingName, thingType: thing.thingTypeName, attributes: thing.attributes };
    this.entries.set(thingName, { context, expiresAt: this.clock() + this.ttlMs });
    return context;
  }
}
