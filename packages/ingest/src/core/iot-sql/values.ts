// IoT SQL values and the conversions its operators and functions share (iot-sql-data-types.html).
// Int and Decimal are both JS numbers: under SQL 2016-03-23 a whole number such as 10.0 is an Int, which
// is exactly `Number.isInteger`. `undefined` is IoT SQL's Undefined — not a value, omitted from output —
// and is distinct from JSON null.

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** `*` inside an expression: the message payload, raw, and parsed (lazily) when it is JSON. */
export class PayloadValue {
  private parsed: { value: JsonValue | undefined } | undefined;

  constructor(readonly bytes: Buffer) {}

  /** The payload as JSON; Undefined when it is not JSON (binary or malformed). */
  get json(): JsonValue | undefined {
    this.parsed ??= { value: parsePayload(this.bytes) };
    return this.parsed.value;
  }
}

export type SqlValue = JsonValue | undefined | PayloadValue;

export const isInt = (value: SqlValue): value is number =>
  typeof value === 'number' && Number.isInteger(value);

export const isObject = (value: SqlValue): value is { [key: string]: JsonValue } =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof PayloadValue);

/** Only strings of this form convert to Decimal implicitly (iot-sql-data-types.html, conversions). */
const decimalString = /^-?\d+(\.\d+)?([eE]-?\d+)?$/;

/** A number, or a string that IoT SQL converts to Decimal; Undefined otherwise. */
export function toDecimal(value: SqlValue): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && decimalString.test(value)) return Number(value);
  return undefined;
}

/** A Boolean, or a case-insensitive "true"/"false" string (iot-sql-operators.html, AND/OR/NOT). */
export function toBoolean(value: SqlValue): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const lower = value.toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
  }
  return undefined;
}

/** The string form a value takes when concatenated or substituted into a template. */
export function toText(value: SqlValue): string | undefined {
  if (value === undefined || value instanceof PayloadValue) return undefined;
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

/** Equality as the `=` operator defines it; Undefined when either side is Undefined. */
export function sqlEquals(left: SqlValue, right: SqlValue): boolean | undefined {
  if (left === undefined || right === undefined) return undefined;
  return deepEquals(left, right);
}

function deepEquals(left: SqlValue, right: SqlValue): boolean {
  if (left instanceof PayloadValue || right instanceof PayloadValue) return false;
  if (Array.isArray(left) || Array.isArray(right)) {
    if (!Array.isArray(left) || !Array.isArray(right) || left.length !== right.length) return false;
    return left.every((item, i) => deepEquals(item, right[i]));
  }
  if (isObject(left) || isObject(right)) {
    if (!isObject(left) || !isObject(right)) return false;
    const keys = Object.keys(left);
    if (keys.length !== Object.keys(right).length) return false;
    return keys.every((key) => key in right && deepEquals(left[key]!, right[key]!));
  }
  // Mismatched scalar types are simply unequal: `'5' = 5` is false.
  return left === right;
}

function parsePayload(bytes: Buffer): JsonValue | undefined {
  if (bytes.length === 0) return undefined;
  try {
    return JSON.parse(bytes.toString('utf8')) as JsonValue;
  } catch {
    return undefined;
  }
}
