// The shadow core as AWS documents it: device-shadow-document.html, device-shadow-data-flow.html,
// device-shadow-error-messages.html (faults.md rows 1, 2, 17, 29).
import { describe, expect, it } from 'vitest';
import {
  applyShadowUpdate,
  deleteShadow,
  getShadowDocument,
  parseShadowRequestTopic,
  parseUpdateRequest,
  ShadowRejection,
  type AcceptedShadowUpdate,
  type ShadowRecord,
} from '../../src/core/shadow/index.js';

const T0 = 1_700_000_000; // epoch seconds
const classic = { thingName: 'pump-7' };

function bytes(value: unknown): Uint8Array {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));
}

/** Parses and applies one update; fails the test if either step rejects. */
function accept(current: ShadowRecord | undefined, request: unknown, now = T0): AcceptedShadowUpdate {
  const update = parseUpdateRequest(bytes(request));
  if (update instanceof ShadowRejection) throw new Error(`rejected: ${update.message}`);
  const outcome = applyShadowUpdate(current, update, now);
  if (outcome instanceof ShadowRejection) throw new Error(`rejected: ${outcome.code} ${outcome.message}`);
  return outcome;
}

function reject(current: ShadowRecord | undefined, request: unknown, now = T0): ShadowRejection {
  const update = parseUpdateRequest(bytes(request));
  if (update instanceof ShadowRejection) return update;
  const outcome = applyShadowUpdate(current, update, now);
  if (outcome instanceof ShadowRejection) return outcome;
  throw new Error('expected a rejection');
}

describe('shadow update merge (device-shadow-document.html)', () => {
  it('merges desired and reported deeply, replacing arrays whole', () => {
    const first = accept(undefined, {
      state: { desired: { color: { r: 10, g: 1 }, seq: [1, 2, 3] }, reported: { engine: 'OFF' } },
    });
    const second = accept(first.record, { state: { desired: { color: { r: 11 }, seq: [4] } } }, T0 + 5);
    expect(second.record.state).toEqual({
      desired: { color: { r: 11, g: 1 }, seq: [4] },
      reported: { engine: 'OFF' },
    });
  });

  it('deletes a key set to null, and a whole section set to null', () => {
    const first = accept(undefined, { state: { desired: { a: 1, b: { c: 2 } }, reported: { a: 0 } } });
    const second = accept(first.record, { state: { desired: { a: null, b: { c: null } } } });
    expect(second.record.state).toEqual({ reported: { a: 0 } });
    expect(second.record.metadata).toEqual({ reported: { a: { timestamp: T0 } } });
    const third = accept(second.record, { state: { reported: null } });
    expect(third.record.state).toEqual({});
  });

  it('keeps the shadow when state is null, and still increments the version', () => {
    const first = accept(undefined, { state: { reported: { a: 1 } } });
    const emptied = accept(first.record, { state: null });
    expect(emptied.record).toMatchObject({ state: {}, version: 2 });
    expect(getShadowDocument(classic, emptied.record, T0)).toMatchObject({ state: {}, version: 2 });
  });

  it('stamps every changed leaf with epoch seconds and keeps the older stamps of untouched leaves', () => {
    const first = accept(undefined, { state: { reported: { t: 20, nested: { h: 40 } } } }, T0);
    const second = accept(first.record, { state: { reported: { t: 21 } } }, T0 + 60);
    expect(second.record.metadata.reported).toEqual({
      t: { timestamp: T0 + 60 },
      nested: { h: { timestamp: T0 } },
    });
    expect(second.accepted).toEqual({
      state: { reported: { t: 21 } },
      metadata: { reported: { t: { timestamp: T0 + 60 } } },
      version: 2,
      timestamp: T0 + 60,
    });
    expect(String(second.accepted.timestamp)).toHaveLength(10); // seconds, not milliseconds
  });

  it('increments the version by exactly one per accepted update', () => {
    let record: ShadowRecord | undefined;
    for (let expected = 1; expected <= 3; expected++) {
      record = accept(record, { state: { reported: { n: expected } } }).record;
      expect(record.version).toBe(expected);
    }
  });

  it('treats a key named __proto__ as ordinary data', () => {
    const outcome = accept(undefined, JSON.parse('{"state":{"desired":{"__proto__":{"polluted":1}}}}'));
    expect(Object.keys(outcome.record.state.desired ?? {})).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});

describe('optimistic locking (device-shadow-data-flow.html)', () => {
  it('rejects a stale version with 409 "Version conflict" and echoes the clientToken', () => {
    const first = accept(undefined, { state: { desired: { colors: ['RED'] } } });
    const second = accept(first.record, { state: { desired: { colors: ['GREEN'] } } });
    const conflict = reject(second.record, {
      state: { desired: { colors: ['BLUE'] } },
      version: 1,
      clientToken: 'tok-1',
    });
    expect(conflict.toErrorResponse(T0)).toEqual({
      code: 409,
      message: 'Version conflict',
      timestamp: T0,
      clientToken: 'tok-1',
    });
  });

  it('accepts an update whose version equals the current one', () => {
    const first = accept(undefined, { state: { desired: { a: 1 } } });
    expect(accept(first.record, { state: { desired: { a: 2 } }, version: 1 }).record.version).toBe(2);
  });
});

describe('clientToken (device-shadow-document.html, "Client tokens")', () => {
  it('echoes the clientToken on accepted, delta and documents', () => {
    const outcome = accept(undefined, { state: { desired: { a: 1 } }, clientToken: 'abc' });
    expect(outcome.accepted.clientToken).toBe('abc');
    expect(outcome.delta?.clientToken).toBe('abc');
    expect(outcome.documents.clientToken).toBe('abc');
  });

  it('rejects a clientToken over 64 bytes with 400 "Invalid clientToken"', () => {
    const rejection = reject(undefined, { state: { desired: { a: 1 } }, clientToken: 'é'.repeat(33) });
    expect([rejection.code, rejection.message, rejection.clientToken]).toEqual([
      400,
      'Invalid clientToken',
      undefined,
    ]);
    expect(accept(undefined, { state: {}, clientToken: 'x'.repeat(64) }).accepted.clientToken).toHaveLength(
      64,
    );
  });
});

describe('delta (device-shadow-document.html, "Delta state")', () => {
  it('holds only desired fields that differ from reported, down to the differing leaf, with their metadata', () => {
    const outcome = accept(undefined, {
      state: {
        desired: { color: { r: 10, g: 5 }, engine: 'ON', list: [1, 2] },
        reported: { color: { r: 10, g: 4 }, engine: 'ON', list: [1], onlyReported: true },
      },
    });
    expect(outcome.delta?.state).toEqual({ color: { g: 5 }, list: [1, 2] });
    expect(outcome.delta?.metadata).toEqual({ color: { g: { timestamp: T0 } }, list: { timestamp: T0 } });
  });

  it('has no delta once reported catches up', () => {
    const first = accept(undefined, { state: { desired: { engine: 'ON' } } });
    expect(first.delta?.state).toEqual({ engine: 'ON' });
    const caughtUp = accept(first.record, { state: { reported: { engine: 'ON' } } });
    expect(caughtUp.delta).toBeUndefined();
    expect(getShadowDocument(classic, caughtUp.record, T0)).not.toHaveProperty('state.delta');
  });

  it('returns the full document with delta on get', () => {
    const outcome = accept(undefined, { state: { desired: { a: 1 }, reported: { a: 0, b: 2 } } });
    expect(getShadowDocument(classic, outcome.record, T0 + 1, 'tok')).toEqual({
      state: { desired: { a: 1 }, reported: { a: 0, b: 2 }, delta: { a: 1 } },
      metadata: {
        desired: { a: { timestamp: T0 } },
        reported: { a: { timestamp: T0 }, b: { timestamp: T0 } },
        delta: { a: { timestamp: T0 } },
      },
      version: 1,
      timestamp: T0 + 1,
      clientToken: 'tok',
    });
  });

  it('reports previous and current on /update/documents without delta', () => {
    const first = accept(undefined, { state: { desired: { a: 1 } } });
    expect(first.documents.previous).toBeUndefined();
    const second = accept(first.record, { state: { reported: { a: 0 } } }, T0 + 2);
    expect(second.documents).toEqual({
      previous: { state: { desired: { a: 1 } }, metadata: { desired: { a: { timestamp: T0 } } }, version: 1 },
      current: {
        state: { desired: { a: 1 }, reported: { a: 0 } },
        metadata: { desired: { a: { timestamp: T0 } }, reported: { a: { timestamp: T0 + 2 } } },
        version: 2,
      },
      timestamp: T0 + 2,
    });
  });
});

describe('limits and malformed requests (device-shadow-error-messages.html)', () => {
  it('rejects a state over 8 KB with 413, counting the stored state and not the metadata', () => {
    const first = accept(undefined, { state: { reported: { a: 'x'.repeat(5000) } } });
    const rejection = reject(first.record, { state: { desired: { b: 'y'.repeat(4000) } }, clientToken: 't' });
    expect([rejection.code, rejection.message, rejection.clientToken]).toEqual([
      413,
      'The payload exceeds the maximum size allowed',
      't',
    ]);
    expect(accept(first.record, { state: { desired: { b: 'y'.repeat(3000) } } }).record.version).toBe(2);
  });

  it('rejects nesting deeper than 6 levels inside a section with 400', () => {
    // `desired` is level 1, so l6 is the sixth level and l7 the seventh.
    const sixLevels = { l2: { l3: { l4: { l5: { l6: { leaf: 1 } } } } } };
    expect(accept(undefined, { state: { desired: sixLevels } }).record.version).toBe(1);
    const sevenLevels = { l2: { l3: { l4: { l5: { l6: { l7: [1] } } } } } };
    const rejection = reject(undefined, { state: { desired: sevenLevels } });
    expect([rejection.code, rejection.message]).toEqual([
      400,
      'JSON contains too many levels of nesting; maximum is 6',
    ]);
  });

  it.each([
    ['truncated JSON', '{"state":', 400, 'Invalid JSON'],
    ['missing state', '{"clientToken":"a"}', 400, 'Missing required node: state'],
    ['state not an object', '{"state":5}', 400, 'State node must be an object'],
    ['desired not an object', '{"state":{"desired":[1]}}', 400, 'Desired node must be an object'],
    ['reported not an object', '{"state":{"reported":"x"}}', 400, 'Reported node must be an object'],
    ['unknown state node', '{"state":{"delta":{}}}', 400, 'State contains an invalid node'],
    ['negative version', '{"state":{},"version":-1}', 400, 'Invalid version'],
    ['array holding null', '{"state":{"desired":{"a":[null]}}}', 400, 'Invalid JSON'],
  ])('rejects %s', (_case, payload, code, message) => {
    const rejection = reject(undefined, payload);
    expect([rejection.code, rejection.message]).toEqual([code, message]);
  });

  it('rejects a payload that is not UTF-8 with 415', () => {
    const update = parseUpdateRequest(Uint8Array.from([0x7b, 0xff, 0xfe, 0x7d]));
    expect(update).toBeInstanceOf(ShadowRejection);
    expect((update as ShadowRejection).toErrorResponse(T0)).toEqual({
      code: 415,
      message: 'Unsupported documented encoding; supported encoding is UTF-8',
      timestamp: T0,
    });
  });

  it('echoes a valid clientToken on a request rejected for its body', () => {
    const rejection = reject(undefined, { clientToken: 'keep-me' });
    expect(rejection.clientToken).toBe('keep-me');
  });
});

describe('get and delete (device-shadow-data-flow.html)', () => {
  it('answers get and delete of a missing shadow with 404 naming the thing or the named shadow', () => {
    expect(getShadowDocument(classic, undefined, T0)).toMatchObject({
      code: 404,
      message: "No shadow exists with name: 'pump-7'",
    });
    expect(deleteShadow({ thingName: 'pump-7', shadowName: 'config' }, undefined, T0)).toMatchObject({
      code: 404,
      message: "No shadow exists with name: 'config'",
    });
  });

  it('returns the version on delete, and a later update continues from it', () => {
    let record = accept(undefined, { state: { reported: { a: 1 } } }).record;
    record = accept(record, { state: { reported: { a: 2 } } }).record;
    const deleted = deleteShadow(classic, record, T0 + 10, 'del');
    if (deleted instanceof ShadowRejection) throw new Error(deleted.message);
    expect(deleted.accepted).toEqual({ version: 2, timestamp: T0 + 10, clientToken: 'del' });
    expect(getShadowDocument(classic, deleted.record, T0 + 11)).toBeInstanceOf(ShadowRejection);
    const recreated = accept(deleted.record, { state: { reported: { b: 1 } } }, T0 + 20);
    expect(recreated.record).toEqual({
      state: { reported: { b: 1 } },
      metadata: { reported: { b: { timestamp: T0 + 20 } } },
      version: 3,
    });
    expect(recreated.documents.previous).toBeUndefined();
  });

  it('starts again from version 1 when a shadow is re-created more than 48 hours after its delete', () => {
    const record = accept(undefined, { state: { reported: { a: 1 } } }).record;
    const deleted = deleteShadow(classic, record, T0);
    if (deleted instanceof ShadowRejection) throw new Error(deleted.message);
    const later = T0 + 48 * 3600 + 1;
    expect(accept(deleted.record, { state: { reported: { a: 1 } } }, later).record.version).toBe(1);
  });
});

describe('shadow request topics (device-shadow-mqtt.html)', () => {
  it('recognises classic and named request topics only', () => {
    expect(parseShadowRequestTopic('$aws/things/pump-7/shadow/update')).toEqual({
      address: classic,
      operation: 'update',
    });
    expect(parseShadowRequestTopic('$aws/things/pump-7/shadow/name/$cfg/get')).toEqual({
      address: { thingName: 'pump-7', shadowName: '$cfg' },
      operation: 'get',
    });
    expect(parseShadowRequestTopic('$aws/things/pump-7/shadow/update/accepted')).toBeUndefined();
    expect(parseShadowRequestTopic('$aws/things/pump-7/shadow/name/a/b/update')).toBeUndefined();
  });

  it('ignores names outside the AWS patterns (faults.md #29)', () => {
    expect(parseShadowRequestTopic("$aws/things/a';DROP/shadow/update")).toBeUndefined();
    expect(parseShadowRequestTopic(`$aws/things/${'x'.repeat(129)}/shadow/update`)).toBeUndefined();
    expect(parseShadowRequestTopic(`$aws/things/t/shadow/name/${'s'.repeat(65)}/update`)).toBeUndefined();
  });
});
