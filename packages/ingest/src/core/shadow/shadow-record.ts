// What the shadow store keeps for one shadow, and how a deleted shadow's version carries on.
import type { JsonObject } from './json-tree.js';
import { versionMemorySeconds } from './shadow-limits.js';

// A type alias, not an interface, so it fits the contracts' `Record<string, unknown>` metadata.
export type ShadowSections = {
  readonly desired?: JsonObject;
  readonly reported?: JsonObject;
};

export interface ShadowRecord {
  /** Only `desired` and `reported` are stored; delta is derived on read. */
  readonly state: ShadowSections;
  /** Mirrors `state`, with `{ timestamp }` (epoch seconds) at every leaf. */
  readonly metadata: ShadowSections;
  readonly version: number;
  /** Epoch seconds of the delete; a deleted record only remembers its version. */
  readonly deletedAt?: number;
}

export function isLiveShadow(record: ShadowRecord | undefined): record is ShadowRecord {
  return record !== undefined && record.deletedAt === undefined;
}

/**
 * The version an update is checked against and builds on. Deleting does not reset it; re-creating within
 * 48 h continues it, later it starts again from 0 (device-shadow-data-flow.html, "DELETE").
 */
export function currentVersion(record: ShadowRecord | undefined, nowSeconds: number): number {
  if (record === undefined) return 0;
  if (record.deletedAt !== undefined && nowSeconds - record.deletedAt > versionMemorySeconds) return 0;
  return record.version;
}

/** Drops absent sections so serialized documents carry only what exists. */
export function presentSections(sections: ShadowSections): ShadowSections {
  return {
    ...(sections.desired === undefined ? {} : { desired: sections.desired }),
    ...(sections.reported === undefined ? {} : { reported: sections.reported }),
  };
}
