// The rules engine's action and error handling without a broker (the socket-crossing behaviour is in
// broker-rules.test.ts): one error record per rule and message, listing every failed action
// (rule-error-handling.html).
import { silentLogger } from '@tributary/contracts';
import { describe, expect, it } from 'vitest';
import type { RuleErrorRecord, RuleOutput, TopicRule } from '../../src/core/index.js';
import { LocalRulesEngine } from '../../src/local/rules-engine.js';

const failingStream = {
  kind: 'stream',
  streamName: 'down',
  partitionKey: '${topic(2)}',
  put: () => Promise.reject(new Error('unavailable')),
} as const;

function engineWith(rule: TopicRule) {
  const engine = new LocalRulesEngine({ logger: silentLogger });
  engine.addRule(rule);
  return engine;
}

describe('LocalRulesEngine', () => {
  it('lists every failed action in one error record: a stream error and a republish with no publisher', async () => {
    const errors: RuleErrorRecord[] = [];
    const engine = engineWith({
      name: 'r',
      sql: "SELECT * FROM 'a/+'",
      actions: [failingStream, { kind: 'republish', topic: 'out/${topic(2)}' }],
      errorAction: {
        kind: 'stream',
        streamName: 'errors',
        partitionKey: 'k',
        put: (record) => void errors.push(record),
      },
    });
    await expect(engine.evaluate('a/b', Buffer.from('{}'), 'c1')).resolves.toBe(1);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.failures).toEqual([
      { failedAction: 'KinesisAction', failedResource: 'down', errorMessage: 'unavailable' },
      {
        failedAction: 'RepublishAction',
        failedResource: 'out/b',
        errorMessage: 'the rules engine was given no publish function for republish',
      },
    ]);
  });

  it('fails a stream action whose partition key renders empty, as Kinesis would', async () => {
    const errors: RuleErrorRecord[] = [];
    const engine = engineWith({
      name: 'r',
      sql: "SELECT * FROM 'a'",
      actions: [{ kind: 'stream', streamName: 's', partitionKey: '${device}', put: () => undefined }],
      errorAction: {
        kind: 'stream',
        streamName: 'errors',
        partitionKey: 'k',
        put: (record) => void errors.push(record),
      },
    });
    await engine.evaluate('a', Buffer.from('{}'), 'c1');
    expect(errors[0]?.failures[0]?.errorMessage).toMatch(/partition key \$\{device\} is empty/);
  });

  it('rejects, so the publish is refused, when an action fails and no error action can take the message', async () => {
    const engine = engineWith({ name: 'r', sql: "SELECT * FROM 'a/+'", actions: [failingStream] });
    await expect(engine.evaluate('a/b', Buffer.from('{}'), 'c1')).rejects.toThrow(
      /unavailable \(no error action\)/,
    );
  });

  it('runs no action for a binary payload the SELECT cannot add fields to, but counts the rule', async () => {
    const puts: RuleOutput[] = [];
    const engine = engineWith({
      name: 'r',
      sql: "SELECT *, timestamp() AS at FROM 'a'",
      actions: [
        { kind: 'stream', streamName: 's', partitionKey: 'k', put: (record) => void puts.push(record) },
      ],
    });
    await expect(engine.evaluate('a', Buffer.from([0xff]), 'c1')).resolves.toBe(1);
    expect(puts).toHaveLength(0);
  });

  it('refuses a second rule with the same name', () => {
    const engine = engineWith({ name: 'r', sql: "SELECT * FROM 'a'", actions: [failingStream] });
    expect(() => engine.addRule({ name: 'r', sql: "SELECT * FROM 'b'", actions: [failingStream] })).toThrow(
      /already exists/,
    );
  });
});
