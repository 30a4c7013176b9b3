import { telemetryRuleSql, topics } from '@tributary/contracts';
import { describe, expect, it } from 'vitest';
import { compileRule, project, UnsupportedRuleSqlError } from '../src/core/index.js';

const action = { name: 'test', run: () => undefined };

describe('topic rules', () => {
  it('compiles the telemetry rule and reads its FROM filter', () => {
    const compiled = compileRule({
      name: 'telemetry',
      sql: telemetryRuleSql(topics.telemetryFilter),
      action,
    });
    expect(compiled.topicFilter).toBe('dt/tributary/+/telemetry');
  });

  it('refuses IoT SQL it cannot evaluate exactly as AWS does, naming what is supported', () => {
    expect(() =>
      compileRule({ name: 'other', sql: "SELECT temperature FROM 'dt/#' WHERE temperature > 50", action }),
    ).toThrow(UnsupportedRuleSqlError);
  });

  it("projects a message as the rule's SELECT does: base64 payload, topic, client id, time, uuid", () => {
    const output = project({
      topic: 't/1',
      clientId: 'c',
      payload: Buffer.from([0xff, 0x00]),
      receivedAt: 7,
      newUuid: 'u',
    });
    expect(output).toEqual({
      payload: '/wA=',
      topic: 't/1',
      clientId: 'c',
      receivedAt: 7,
      correlationId: 'u',
    });
  });
});
