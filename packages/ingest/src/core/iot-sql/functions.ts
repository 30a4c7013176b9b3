// The IoT SQL functions the local rules engine runs, with AWS's argument rules
// (iot-sql-functions.html). "Functions called with invalid arguments return Undefined", so every
// implementation returns `undefined` rather than throwing for a value it cannot use.
import type { MessageContext } from './message-context.js';
import { PayloadValue, isInt, toDecimal, toText, type JsonValue, type SqlValue } from './values.js';

export interface SqlFunction {
  readonly minArgs: number;
  readonly maxArgs: number;
  /** Whether `*` (the whole payload) is accepted as the first argument. */
  readonly acceptsPayload?: boolean;
  readonly call: (args: readonly SqlValue[], message: MessageContext) => SqlValue;
}

const numeric = (fn: (n: number) => number) => (args: readonly SqlValue[]) => {
  const n = toDecimal(args[0]);
  return n === undefined ? undefined : finite(fn(n));
};

const finite = (n: number): number | undefined => (Number.isFinite(n) ? n : undefined);

/** Half away from zero: round(1.5) = 2, round(-1.5) = -2 (iot-sql-functions.html#iot-func-round). */
const roundHalfAwayFromZero = (n: number) => Math.sign(n) * Math.round(Math.abs(n));

function topic(args: readonly SqlValue[], message: MessageContext): SqlValue {
  if (args.length === 0) return message.topic;
  const level = args[0];
  if (!isInt(level) || level < 1) return undefined;
  return topicLevel(message.topic, level - 1);
}

/** Level `index` (from 0) of a topic, as `topic.split('/')[index]` is, without splitting the whole topic. */
function topicLevel(topic: string, index: number): string | undefined {
  let start = 0;
  for (let level = 0; level < index; level++) {
    const slash = topic.indexOf('/', start);
    if (slash < 0) return undefined;
    start = slash + 1;
  }
  const end = topic.indexOf('/', start);
  return topic.slice(start, end < 0 ? topic.length : end);
}

function encode(args: readonly SqlValue[]): SqlValue {
  const [value, scheme] = args;
  // base64 is the only encoding scheme AWS supports (iot-sql-functions.html#iot-sql-encode-payload).
  if (scheme !== 'base64') return undefined;
  if (value instanceof PayloadValue) return value.bytes.toString('base64');
  const text = toText(value);
  return text === undefined ? undefined : Buffer.from(text, 'utf8').toString('base64');
}

function get(args: readonly SqlValue[]): SqlValue {
  const [container, key] = args;
  const from: SqlValue = container instanceof PayloadValue ? container.json : container;
  if (Array.isArray(from)) return isInt(key) && key >= 0 ? from[key] : undefined;
  if (typeof from === 'string') return isInt(key) && key >= 0 && key < from.length ? from[key] : undefined;
  if (typeof from === 'object' && from !== null && typeof key === 'string') {
    return Object.hasOwn(from, key) ? (from as Record<string, JsonValue>)[key] : undefined;
  }
  return undefined;
}

function mod(args: readonly SqlValue[]): SqlValue {
  const [a, b] = args.map(toDecimal);
  if (a === undefined || b === undefined || b === 0) return undefined;
  return finite(a % b);
}

function power(args: readonly SqlValue[]): SqlValue {
  const [a, b] = args.map(toDecimal);
  if (a === undefined || b === undefined) return undefined;
  return finite(a ** b);
}

/** Arrays concatenate into an array; anything else concatenates as text (#iot-func-concat). */
function concat(args: readonly SqlValue[]): SqlValue {
  if (args.length === 0 || args.some((a) => a === undefined || a instanceof PayloadValue)) return undefined;
  if (args.length === 1) return args[0];
  if (args.some(Array.isArray)) {
    return args.flatMap((a) => (Array.isArray(a) ? a : [a as JsonValue]));
  }
  return args.map((a) => toText(a)).join('');
}

/** Zero-based, end exclusive; positions are clamped to the string (#iot-func-substring). */
function substring(args: readonly SqlValue[]): SqlValue {
  const [value, startArg, endArg] = args;
  const text = typeof value === 'number' || typeof value === 'boolean' ? String(value) : value;
  if (typeof text !== 'string') return undefined;
  const start = toDecimal(startArg);
  const end = endArg === undefined && args.length < 3 ? text.length : toDecimal(endArg);
  if (start === undefined || end === undefined) return undefined;
  const clamp = (n: number) => Math.min(Math.max(Math.floor(n), 0), text.length);
  const from = clamp(start);
  const to = clamp(end);
  return to <= from ? '' : text.slice(from, to);
}

const stringFunction = (fn: (s: string) => SqlValue) => (args: readonly SqlValue[]) =>
  typeof args[0] === 'string' ? fn(args[0]) : undefined;

export const sqlFunctions: Readonly<Record<string, SqlFunction>> = {
  topic: { minArgs: 0, maxArgs: 1, call: topic },
  timestamp: { minArgs: 0, maxArgs: 0, call: (_, m) => m.timestamp },
  clientid: { minArgs: 0, maxArgs: 0, call: (_, m) => m.clientId },
  principal: { minArgs: 0, maxArgs: 0, call: (_, m) => m.principal },
  newuuid: { minArgs: 0, maxArgs: 0, call: (_, m) => m.newUuid() },
  traceid: { minArgs: 0, maxArgs: 0, call: (_, m) => m.traceId },
  encode: { minArgs: 2, maxArgs: 2, acceptsPayload: true, call: encode },
  get: { minArgs: 2, maxArgs: 2, acceptsPayload: true, call: get },
  isUndefined: { minArgs: 1, maxArgs: 1, call: (args) => args[0] === undefined },
  isNull: { minArgs: 1, maxArgs: 1, call: (args) => args[0] === null },
  abs: { minArgs: 1, maxArgs: 1, call: numeric(Math.abs) },
  round: { minArgs: 1, maxArgs: 1, call: numeric(roundHalfAwayFromZero) },
  floor: { minArgs: 1, maxArgs: 1, call: numeric(Math.floor) },
  ceil: { minArgs: 1, maxArgs: 1, call: numeric(Math.ceil) },
  mod: { minArgs: 2, maxArgs: 2, call: mod },
  power: { minArgs: 2, maxArgs: 2, call: power },
  lower: { minArgs: 1, maxArgs: 1, call: stringFunction((s) => s.toLowerCase()) },
  upper: { minArgs: 1, maxArgs: 1, call: stringFunction((s) => s.toUpperCase()) },
  length: { minArgs: 1, maxArgs: 1, call: stringFunction((s) => [...s].length) },
  startswith: {
    minArgs: 2,
    maxArgs: 2,
    call: (args) =>
      typeof args[0] === 'string' && typeof args[1] === 'string' ? args[0].startsWith(args[1]) : undefined,
  },
  concat: { minArgs: 0, maxArgs: Number.POSITIVE_INFINITY, call: concat },
  substring: { minArgs: 2, maxArgs: 3, call: substring },
};

export const supportedFunctionNames = [...Object.keys(sqlFunctions), 'cast'].sort();
