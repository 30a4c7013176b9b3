import { telemetryRuleSql, topics } from '@tributary/contracts';
import { describe, expect, it } from 'vitest';
import {
  basicIngestTargetOf,
  compileRule,
  InvalidTopicRuleError,
  UnsupportedRuleSqlError,
  type RuleAction,
} from '../src/core/index.js';

const stream: RuleAction = {
  kind: 'stream',
  streamName: 's',
  partitionKey: '${topic(3)}',
  put: () => undefined,
};

describe('topic rules', () => {
  it('compiles the telemetry rule and reads its FROM filter', () => {
    const compiled = compileRule({
      name: 'telemetry',
      sql: telemetryRuleSql(topics.telemetryFilter),
      actions: [stream],
    });
    expect(compiled.statement.topicFilter).toBe('dt/tributary/+/telemetry');
  });

  it('refuses SQL the engine cannot run as AWS does, naming the rule and the position', () => {
    const compile = () =>
      compileRule({
        name: 'alerts',
        sql: "SELECT temperature FROM 'dt/#' WHERE temperature IN (1)",
        actions: [stream],
      });
    expect(compile).toThrow(UnsupportedRuleSqlError);
    expect(compile).toThrow(/^Rule "alerts": .* at position 49: the IN operator/);
  });

  it('refuses an action template the engine cannot run, naming the rule', () => {
    const republish: RuleAction = { kind: 'republish', topic: 'out/${thing_name()}' };
    expect(() => compileRule({ name: 'r', sql: "SELECT * FROM 'a'", actions: [republish] })).toThrow(
      /^Rule "r": .*unknown function thing_name\(\)/,
    );
  });

  it('refuses rule names AWS refuses, and rules without actions', () => {
    expect(() => compileRule({ name: 'my-rule', sql: "SELECT * FROM 'a'", actions: [stream] })).toThrow(
      InvalidTopicRuleError,
    );
    expect(() => compileRule({ name: 'r', sql: "SELECT * FROM 'a'", actions: [] })).toThrow(
      /at least one action/,
    );
  });
});

describe('Basic Ingest topics (iot-basic-ingest.html)', () => {
  it('names the rule and the topic the rule sees, without the $aws/rules/<rule>/ prefix', () => {
    expect(basicIngestTargetOf('$aws/rules/telemetry/dt/tributary/pump-7/telemetry')).toEqual({
      ruleName: 'telemetry',
      topic: 'dt/tributary/pump-7/telemetry',
    });
  });

  it('is not Basic Ingest for any other topic', () => {
    expect(basicIngestTargetOf('dt/tributary/pump-7/telemetry')).toBeUndefined();
    expect(basicIngestTargetOf('$aws/things/pump-7/shadow/update')).toBeUndefined();
  });
});
