// The fast path of telemetry validation answers as zod does: a message it takes as it is, zod accepts and
// returns unchanged; every message zod refuses or would change, it leaves to zod. Each case is a JSON payload,
// parsed as the platform parses it.
import { TelemetryBatch, TelemetryReading } from '@tributary/contracts';
import { describe, expect, it } from 'vitest';
import { isExactTelemetryMessage } from '../src/core/exact-telemetry-message.js';

const zodOutcomeOf = (json: unknown) =>
  (json !== null && typeof json === 'object' && 'readings' in json
    ? TelemetryBatch
    : TelemetryReading
  ).safeParse(json);

const reading = '{"messageId":"m-1","ts":1764050400000,"seq":7,"metrics":{"temperature":21.5,"_hum":40}}';

/** Payloads zod accepts unchanged: the fast path must take each. */
const exact = [
  reading,
  '{"metrics":{"t":0}}',
  '{"metrics":{"t":-0.5,"T_2":1e300}}',
  '{"ts":0,"metrics":{"t":1}}',
  `{"messageId":"${'x'.repeat(128)}","metrics":{"t":1}}`,
  `{"seq":${Number.MAX_SAFE_INTEGER},"metrics":{"t":1}}`,
  `{"metrics":{"${'m'.repeat(64)}":1}}`,
  `{"readings":[${reading}]}`,
  `{"readings":[${Array.from({ length: 500 }, () => reading).join(',')}]}`,
  '{"readings":[{"metrics":{"a":1}},{"messageId":"x","metrics":{"b":2}}]}',
];

/** Payloads zod refuses, or accepts only by changing them: the fast path must leave each to zod. */
const leftToZod = [
  // refused
  'null',
  '[]',
  '42',
  '"text"',
  '{}',
  '{"metrics":{}}',
  '{"metrics":[]}',
  '{"metrics":null}',
  '{"metrics":{"t":"21.5"}}',
  '{"metrics":{"t":null}}',
  '{"metrics":{"t":true}}',
  '{"metrics":{"1t":1}}',
  '{"metrics":{"t-1":1}}',
  '{"metrics":{"":1}}',
  `{"metrics":{"${'m'.repeat(65)}":1}}`,
  '{"metrics":{"__proto__":1}}',
  '{"metrics":{"t":{"nested":1}}}',
  '{"messageId":"","metrics":{"t":1}}',
  `{"messageId":"${'x'.repeat(129)}","metrics":{"t":1}}`,
  '{"messageId":7,"metrics":{"t":1}}',
  '{"messageId":null,"metrics":{"t":1}}',
  '{"ts":-1,"metrics":{"t":1}}',
  '{"ts":1.5,"metrics":{"t":1}}',
  '{"ts":"1764050400000","metrics":{"t":1}}',
  '{"ts":null,"metrics":{"t":1}}',
  `{"ts":${2 ** 53},"metrics":{"t":1}}`,
  '{"seq":-1,"metrics":{"t":1}}',
  '{"seq":0.5,"metrics":{"t":1}}',
  '{"readings":[]}',
  `{"readings":[${Array.from({ length: 501 }, () => reading).join(',')}]}`,
  '{"readings":{}}',
  '{"readings":null}',
  '{"readings":[null]}',
  '{"readings":[[]]}',
  '{"readings":[{"metrics":{}}]}',
  `{"readings":[${reading},{"metrics":{"t":"1"}}]}`,
  `{"readings":[${reading},{"ts":-5,"metrics":{"t":1}}]}`,
  // accepted, but changed: zod strips the fields it does not know
  '{"metrics":{"t":1},"unit":"C"}',
  '{"readings":[{"metrics":{"t":1},"extra":true}]}',
  `{"readings":[${reading}],"site":"north"}`,
  '{"readings":[{"metrics":{"t":1}}],"metrics":{"t":1}}',
];

describe('isExactTelemetryMessage', () => {
  it.each(exact)('takes %s as zod returns it', (payload) => {
    const json: unknown = JSON.parse(payload);
    expect(isExactTelemetryMessage(json)).toBe(true);
    const outcome = zodOutcomeOf(JSON.parse(payload));
    expect(outcome.success).toBe(true);
    expect(outcome.data).toStrictEqual(json);
  });

  it.each(leftToZod.map((payload) => [payload.slice(0, 80), payload]))('leaves %s to zod', (_, payload) => {
    const json: unknown = JSON.parse(payload);
    expect(isExactTelemetryMessage(json)).toBe(false);
    const outcome = zodOutcomeOf(JSON.parse(payload));
    // Each is refused, or accepted only as something other than what was sent.
    if (outcome.success) expect(outcome.data).not.toStrictEqual(json);
  });
});
