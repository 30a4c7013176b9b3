// What the registry and the shadow service know about a thing, fetched by an adapter before the pure core
// runs. An adapter that caches it replaces the object when anything in it changes, so the core may memoise
// work per context object.

export interface ThingContext {
  readonly thingName: string;
  readonly thingType: string | null;
  readonly attributes: Readonly<Record<string, string>>;
  /** The static groups the thing is a direct member of; absent when the adapter does not know them. */
  readonly groups?: readonly string[];
  /** The classic shadow's `reported` section; absent when the thing has no shadow or it was not read. */
  readonly reported?: Readonly<Record<string, unknown>>;
}
