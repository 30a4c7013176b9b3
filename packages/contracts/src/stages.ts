// The five stages of the platform, in the order data flows through them.
// Order matters: a stage may depend on (read from, import, deploy after) only the stages before it.

export const stages = ['ingest', 'transform', 'store', 'insights', 'cross-cutting'] as const;
export type Stage = (typeof stages)[number];

/** The stages strictly before `S` in the data path (cross-cutting sees all four). */
export type UpstreamOf<S extends Stage> = S extends 'ingest'
  ? never
  : S extends 'transform'
    ? 'ingest'
    : S extends 'store'
      ? 'ingest' | 'transform'
      : S extends 'insights'
        ? 'ingest' | 'transform' | 'store'
        : 'ingest' | 'transform' | 'store' | 'insights';

/** What a stage may read: its own outputs and those of every upstream stage. */
export type ReadableBy<S extends Stage> = S | UpstreamOf<S>;

export function isUpstream(of: Stage, candidate: Stage): boolean {
  return stages.indexOf(candidate) < stages.indexOf(of);
}
