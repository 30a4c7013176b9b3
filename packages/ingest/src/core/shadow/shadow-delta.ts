// The delta between desired and reported (device-shadow-document.html, "Delta state"): every desired
// field whose value differs from reported, nested down to the differing leaf; arrays compare whole;
// reported-only fields never appear.
import { isJsonObject, jsonEqual, ownValue, type JsonObject } from './json-tree.js';

/** Undefined when desired and reported agree (then no `/update/delta` is published). */
export function shadowDelta(
  desired: JsonObject | undefined,
  reported: JsonObject | undefined,
): JsonObject | undefined {
  if (desired === undefined) return undefined;
  const delta = differingFields(desired, reported);
  return Object.keys(delta).length === 0 ? undefined : delta;
}

function differingFields(desired: JsonObject, reported: JsonObject | undefined): JsonObject {
  const entries: [string, JsonObject[string]][] = [];
  for (const [key, wanted] of Object.entries(desired)) {
    const actual = ownValue(reported, key);
    if (isJsonObject(wanted) && isJsonObject(actual)) {
      const nested = differingFields(wanted, actual);
      if (Object.keys(nested).length > 0) entries.push([key, nested]);
    } else if (!jsonEqual(wanted, actual)) {
      entries.push([key, wanted]);
    }
  }
  return Object.fromEntries(entries);
}
