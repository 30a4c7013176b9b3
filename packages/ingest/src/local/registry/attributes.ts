// Attribute payload semantics shared by things and thing groups (AttributePayload in the IoT API
// reference): `merge` folds the given attributes into the stored ones, otherwise they replace them; in
// both, an empty value means "no such attribute".
import type { AttributePayload } from './types.js';
import { assertAttributes } from './validation.js';

export function applyAttributePayload(
  stored: Readonly<Record<string, string>>,
  payload: AttributePayload | undefined,
): Record<string, string> {
  if (payload?.attributes === undefined) return { ...stored };
  assertAttributes(payload.attributes);
  const combined = payload.merge ? { ...stored, ...payload.attributes } : { ...payload.attributes };
  return Object.fromEntries(Object.entries(combined).filter(([, value]) => value !== ''));
}

/** Same attributes regardless of key order. */
export const sameAttributes = (
  a: Readonly<Record<string, string>>,
  b: Readonly<Record<string, string>>,
): boolean => canonical(a) === canonical(b);

const canonical = (attributes: Readonly<Record<string, string>>): string =>
  JSON.stringify(Object.entries(attributes).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)));

export const parseAttributes = (json: unknown): Record<string, string> =>
  JSON.parse(String(json)) as Record<string, string>;
