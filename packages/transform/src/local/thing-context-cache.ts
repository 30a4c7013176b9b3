// Thing contexts for enrichment (registry record, direct thing groups, the classic shadow's reported state),
// kept until a registry or shadow change invalidates them, so a busy stream does not query the registry for
// every record and never enriches with a context older than the last change it was told of. A time-to-live
// stays as a safety net for changes nobody reports (e.g. the registry edited by another process); past it a
// context is still served while it is read again in the background, one thing at a time. Otherwise a fleet
// whose contexts were all read in the same seconds (when the platform started) has them all expire together,
// and every shard waits for hundreds of registry and shadow reads: traced in the e2e bench at 8,000 msg/s,
// every 5 minutes readings took up to 3.5 s more to reach the lake.
import type { ThingContext } from '../core/index.js';

/** What enrichment needs of a registry: the local one (DuckDB) and IoT's DescribeThing both fit. */
export interface ThingRegistry {
  describeThing(
    thingName: string,
  ): Promise<
    | { readonly thingTypeName: string | null; readonly attributes: Readonly<Record<string, string>> }
    | undefined
  >;
  /** IoT's ListThingGroupsForThing (direct groups); without it contexts carry no groups. */
  listThingGroupsForThing?(request: { readonly thingName: string; readonly nextToken?: string }): Promise<{
    readonly thingGroups: readonly { readonly groupName: string }[];
    readonly nextToken?: string;
  }>;
}

/** Reads the `reported` section of a thing's classic shadow; undefined when it has none. */
export interface ReportedStateReader {
  reportedStateOf(thingName: string): Promise<Readonly<Record<string, unknown>> | undefined>;
}

export interface ThingContextCacheOptions {
  /** How long a context is kept when no change invalidates it. @default 300_000 (5 minutes) */
  readonly ttlMs?: number;
  /**
   * Past the time-to-live, serve the context kept while it is read again in the background, instead of waiting
   * for the read. A Lambda container, frozen between invocations, reads it at once instead (false).
   * @default true
   */
  readonly serveStaleWhileReading?: boolean;
  /** @default Date.now */
  readonly clock?: () => number;
  /** Where shadows are read; without it contexts carry no reported state. */
  readonly shadows?: ReportedStateReader;
}

export class ThingContextCache {
  private readonly entries = new Map<string, { context: ThingContext | undefined; expiresAt: number }>();
  /** Counts invalidations, so a lookup that overlapped one is used once but not kept. */
  private invalidations = 0;
  private readonly ttlMs: number;
  private readonly serveStaleWhileReading: boolean;
  private readonly clock: () => number;
  private shadows: ReportedStateReader | undefined;
  /** Things whose expired context is being read again in the background, one after the other. */
  private readonly rereading = new Set<string>();
  private rereads: Promise<void> = Promise.resolve();

  constructor(
    private readonly registry: ThingRegistry,
    options: ThingContextCacheOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? 300_000;
    this.serveStaleWhileReading = options.serveStaleWhileReading ?? true;
    this.clock = options.clock ?? Date.now;
    this.shadows = options.shadows;
  }

  async contextsFor(thingNames: readonly string[]): Promise<Map<string, ThingContext>> {
    const contexts = new Map<string, ThingContext>();
    for (const thingName of thingNames) {
      const context = await this.contextFor(thingName);
      if (context) contexts.set(thingName, context);
    }
    return contexts;
  }

  /** Forgets one thing's context: its next reading reads the registry and shadow again. */
  invalidate(thingName: string): void {
    this.invalidations++;
    this.entries.delete(thingName);
  }

  invalidateAll(): void {
    this.invalidations++;
    this.entries.clear();
  }

  /**
   * Starts reading shadows from `shadows` (the shadow service may start after the stream's first batch) and
   * forgets every context read without them.
   */
  readShadowsFrom(shadows: ReportedStateReader): void {
    this.shadows = shadows;
    this.invalidateAll();
  }

  private async contextFor(thingName: string): Promise<ThingContext | undefined> {
    const cached = this.entries.get(thingName);
    if (cached && cached.expiresAt > this.clock()) return cached.context;
    if (cached && this.serveStaleWhileReading) {
      this.rereadInBackground(thingName);
      return cached.context;
    }
    return this.readAndKeep(thingName);
  }

  /**
   * Reads the thing's context again after those already queued; a read that fails leaves the expired context
   * in place, and the thing's next reading queues another.
   */
  private rereadInBackground(thingName: string): void {
    if (this.rereading.has(thingName)) return;
    this.rereading.add(thingName);
    this.rereads = this.rereads
      .then(() => this.readAndKeep(thingName))
      .then(
        () => undefined,
        () => undefined,
      )
      .finally(() => this.rereading.delete(thingName));
  }

  /** Reads the thing's context and keeps it, unless an invalidation came meanwhile (it may predate the change). */
  private async readAndKeep(thingName: string): Promise<ThingContext | undefined> {
    const invalidationsBefore = this.invalidations;
    const context = await this.lookUp(thingName);
    if (this.invalidations === invalidationsBefore) {
      this.entries.set(thingName, { context, expiresAt: this.clock() + this.ttlMs });
    }
    return context;
  }

  private async lookUp(thingName: string): Promise<ThingContext | undefined> {
    const thing = await this.registry.describeThing(thingName);
    if (!thing) return undefined;
    const groups = await this.groupsOf(thingName);
    const reported = await this.shadows?.reportedStateOf(thingName);
    return {
      thingName,
      thingType: thing.thingTypeName,
      attributes: thing.attributes,
      ...(groups ? { groups } : {}),
      ...(reported ? { reported } : {}),
    };
  }

  private async groupsOf(thingName: string): Promise<string[] | undefined> {
    if (!this.registry.listThingGroupsForThing) return undefined;
    const groups: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.registry.listThingGroupsForThing({
        thingName,
        ...(nextToken ? { nextToken } : {}),
      });
      groups.push(...page.thingGroups.map((group) => group.groupName));
      nextToken = page.nextToken;
    } while (nextToken);
    return groups;
  }
}
