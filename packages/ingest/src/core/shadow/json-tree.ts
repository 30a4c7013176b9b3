// JSON values as the shadow service stores them, and the few tree operations the merge and delta need.

export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Structural equality; arrays compare as whole values (device-shadow-document.html, "Arrays"). */
export function jsonEqual(left: JsonValue | undefined, right: JsonValue | undefined): boolean {
  if (left === right) return true;
  if (Array.isArray(left) && Array.isArray(right)) {
    return left.length === right.length && left.every((item, index) => jsonEqual(item, right[index]));
  }
  if (isJsonObject(left) && isJsonObject(right)) {
    const leftKeys = Object.keys(left);
    if (leftKeys.length !== Object.keys(right).length) return false;
    return leftKeys.every((key) => key in right && jsonEqual(left[key], right[key]));
  }
  return false;
}

/** Levels of nesting: every object or array is one level; scalars add none. */
export function nestingDepth(value: JsonValue): number {
  if (Array.isArray(value)) return 1 + Math.max(0, ...value.map(nestingDepth));
  if (isJsonObject(value)) return 1 + Math.max(0, ...Object.values(value).map(nestingDepth));
  return 0;
}

export function utf8ByteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** A key's own value: a plain `obj[key]` would read `Object.prototype` for a key like "__proto__". */
export function ownValue(object: JsonObject | undefined, key: string): JsonValue | undefined {
  return object !== undefined && Object.hasOwn(object, key) ? object[key] : undefined;
}
