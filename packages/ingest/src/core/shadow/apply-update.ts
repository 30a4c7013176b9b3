// An accepted update as data: the record to store and the three documents AWS publishes for it
// (device-shadow-mqtt.html: /update/accepted, /update/delta, /update/documents).
import type {
  ShadowDeltaMessage,
  ShadowDocumentsMessage,
  ShadowSnapshot,
  ShadowUpdateAccepted,
} from '@tributary/contracts';
import { utf8ByteLength, type JsonObject } from './json-tree.js';
import { mergeSection, metadataCovering, requestMetadata } from './merge-section.js';
import { shadowSectionNames, type ShadowUpdate } from './parse-update-request.js';
import { shadowDelta } from './shadow-delta.js';
import { maxShadowStateBytes } from './shadow-limits.js';
import {
  currentVersion,
  isLiveShadow,
  presentSections,
  type ShadowRecord,
  type ShadowSections,
} from './shadow-record.js';
import { ShadowRejection } from './shadow-rejection.js';

export interface AcceptedShadowUpdate {
  readonly record: ShadowRecord;
  readonly accepted: ShadowUpdateAccepted;
  /** Present only when desired and reported differ after the update. */
  readonly delta?: ShadowDeltaMessage;
  readonly documents: ShadowDocumentsMessage;
}

export function applyShadowUpdate(
  current: ShadowRecord | undefined,
  update: ShadowUpdate,
  nowSeconds: number,
): AcceptedShadowUpdate | ShadowRejection {
  const baseVersion = currentVersion(current, nowSeconds);
  // Optimistic locking: a request version must equal the current one; omitting it skips the check.
  if (update.version !== undefined && update.version !== baseVersion) {
    return ShadowRejection.versionConflict().withClientToken(update.clientToken);
  }
  const previous = isLiveShadow(current) ? current : undefined;
  const merged = mergeState(previous, update, nowSeconds);
  if (stateBytes(merged.state) > maxShadowStateBytes) {
    return ShadowRejection.payloadTooLarge().withClientToken(update.clientToken);
  }
  const record: ShadowRecord = { ...merged, version: baseVersion + 1 };
  const token = update.clientToken === undefined ? {} : { clientToken: update.clientToken };
  const timestamp = nowSeconds;
  const delta = shadowDelta(record.state.desired, record.state.reported);
  return {
    record,
    accepted: {
      state: update.state,
      metadata: acceptedMetadata(update, nowSeconds),
      version: record.version,
      timestamp,
      ...token,
    },
    ...(delta === undefined
      ? {}
      : {
          delta: {
            state: delta,
            metadata: metadataCovering(delta, record.metadata.desired),
            version: record.version,
            timestamp,
            ...token,
          },
        }),
    documents: {
      ...(previous === undefined ? {} : { previous: snapshotOf(previous) }),
      current: snapshotOf(record),
      timestamp,
      ...token,
    },
  };
}

function mergeState(
  previous: ShadowRecord | undefined,
  update: ShadowUpdate,
  nowSeconds: number,
): { state: ShadowSections; metadata: ShadowSections } {
  // `"state": null` empties the shadow; it still exists and its version still moves on.
  if (update.state === null) return { state: {}, metadata: {} };
  const state: { desired?: JsonObject; reported?: JsonObject } = { ...previous?.state };
  const metadata: { desired?: JsonObject; reported?: JsonObject } = { ...previous?.metadata };
  for (const name of shadowSectionNames) {
    const patch = update.state[name];
    if (patch === undefined) continue;
    const merged = patch === null ? {} : mergeSection(state[name], metadata[name], patch, nowSeconds);
    state[name] = merged.section;
    metadata[name] = merged.metadata;
  }
  return { state: presentSections(state), metadata: presentSections(metadata) };
}

function acceptedMetadata(update: ShadowUpdate, nowSeconds: number): Record<string, unknown> {
  if (update.state === null) return {};
  return Object.fromEntries(
    shadowSectionNames
      .filter((name) => update.state?.[name] !== undefined)
      .map((name) => [name, requestMetadata(update.state?.[name] ?? null, nowSeconds)]),
  );
}

/** Counted on desired + reported only; metadata does not count toward the 8 KB quota. */
function stateBytes(state: ShadowSections): number {
  return utf8ByteLength(JSON.stringify(presentSections(state)));
}

export function snapshotOf(record: ShadowRecord): ShadowSnapshot {
  return {
    state: presentSections(record.state),
    metadata: presentSections(record.metadata),
    version: record.version,
  };
}
