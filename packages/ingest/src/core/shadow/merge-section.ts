// Partial deep merge of one requested section into the stored one, keeping per-leaf metadata
// (device-shadow-document.html): objects merge, `null` removes a key, arrays and scalars replace.
import { isJsonObject, ownValue, type JsonObject, type JsonValue } from './json-tree.js';

export interface MergedSection {
  /** Undefined when the section ended up empty: AWS then drops it from the document. */
  readonly section?: JsonObject;
  readonly metadata?: JsonObject;
}

export function mergeSection(
  current: JsonObject | undefined,
  currentMetadata: JsonObject | undefined,
  patch: JsonObject,
  timestamp: number,
): MergedSection {
  const [section, metadata] = mergeObject(current ?? {}, currentMetadata ?? {}, patch, timestamp);
  return Object.keys(section).length === 0 ? {} : { section, metadata };
}

// Maps, not property assignment, so a key named "__proto__" stays an ordinary key.
function mergeObject(
  target: JsonObject,
  targetMetadata: JsonObject,
  patch: JsonObject,
  timestamp: number,
): [JsonObject, JsonObject] {
  const merged = new Map<string, JsonValue>(Object.entries(target));
  const metadata = new Map<string, JsonValue>(Object.entries(targetMetadata));
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) {
      merged.delete(key);
      metadata.delete(key);
    } else if (isJsonObject(value)) {
      if (Object.keys(value).length === 0) continue;
      const existing = merged.get(key);
      const existingMetadata = metadata.get(key);
      const [child, childMetadata] = mergeObject(
        isJsonObject(existing) ? existing : {},
        isJsonObject(existing) && isJsonObject(existingMetadata) ? existingMetadata : {},
        value,
        timestamp,
      );
      if (Object.keys(child).length === 0) {
        merged.delete(key);
        metadata.delete(key);
      } else {
        merged.set(key, child);
        metadata.set(key, childMetadata);
      }
    } else {
      merged.set(key, value);
      metadata.set(key, { timestamp });
    }
  }
  return [Object.fromEntries(merged), Object.fromEntries(metadata)];
}

/** The metadata of a request as `/update/accepted` reports it: a timestamp at every leaf sent, nulls included. */
export function requestMetadata(patch: JsonObject | null, timestamp: number): JsonValue {
  if (patch === null) return { timestamp };
  return Object.fromEntries(
    Object.entries(patch).map(([key, value]) => [
      key,
      isJsonObject(value) ? requestMetadata(value, timestamp) : { timestamp },
    ]),
  );
}

/** The part of a metadata tree that covers `values` (walked by the values, since a leaf is `{ timestamp }`). */
export function metadataCovering(values: JsonObject, metadata: JsonObject | undefined): JsonObject {
  return Object.fromEntries(
    Object.entries(values).map(([key, value]) => {
      const node = ownValue(metadata, key);
      if (isJsonObject(value)) return [key, metadataCovering(value, isJsonObject(node) ? node : undefined)];
      return [key, node ?? null];
    }),
  );
}
