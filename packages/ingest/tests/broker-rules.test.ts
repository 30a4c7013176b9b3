// A real aedes broker on a real socket, real mqtt.js clients: a QoS 1 publish is acknowledged only
// after the rules engine has run the rule's action, and a failing action reaches the error action.
import { silentLogger, telemetryRuleSql, topics, type TelemetryEnvelope } from '@tributary/contracts';
import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import type { RuleErrorRecord } from '../src/core/index.js';
import { LocalRulesEngine, startBroker, type LocalBroker } from '../src/local/index.js';

let broker: LocalBroker | undefined;
afterEach(async () => {
  await broker?.close();
  broker = undefined;
});

async function brokerWithRule(run: (e: TelemetryEnvelope) => Promise<void>, errors: RuleErrorRecord[] = []) {
  const rules = new LocalRulesEngine({ logger: silentLogger, clock: () => 1234 });
  rules.addRule({
    name: 'telemetry',
    sql: telemetryRuleSql(topics.telemetryFilter),
    action: { name: 'stream', run },
    errorAction: async (record) => void errors.push(record),
  });
  broker = await startBroker({
    port: 0,
    logger: silentLogger,
    beforeAcknowledge: (packet, clientId) =>
      rules.evaluate(packet.topic, Buffer.from(packet.payload), clientId),
  });
  return broker;
}

describe('local broker with the rules engine', () => {
  it('acknowledges a QoS 1 publish only after the rule action has the message', async () => {
    const received: TelemetryEnvelope[] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { url } = await brokerWithRule(async (envelope) => {
      await gate;
      received.push(envelope);
    });
    const client = await mqtt.connectAsync(url, { clientId: 'pump-7' });
    let acknowledged = false;
    const publish = client
      .publishAsync(topics.telemetry('pump-7'), '{"metrics":{"t":1}}', { qos: 1 })
      .then(() => {
        acknowledged = true;
      });
    await new Promise((r) => setTimeout(r, 200));
    expect(acknowledged).toBe(false);
    release();
    await publish;
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({
      topic: 'dt/tributary/pump-7/telemetry',
      clientId: 'pump-7',
      receivedAt: 1234,
    });
    expect(Buffer.from(received[0]?.payload ?? '', 'base64').toString()).toBe('{"metrics":{"t":1}}');
    await client.endAsync();
  });

  it('does not run the telemetry rule for other topics', async () => {
    const received: TelemetryEnvelope[] = [];
    const { url } = await brokerWithRule(async (e) => void received.push(e));
    const client = await mqtt.connectAsync(url, { clientId: 'pump-7' });
    await client.publishAsync('dt/other/pump-7/telemetry', '{}', { qos: 1 });
    await client.publishAsync('dt/tributary/pump-7/status', '{}', { qos: 1 });
    await client.endAsync();
    expect(received).toHaveLength(0);
  });

  it('sends an AWS-shaped error record with the original payload when the action fails (faults.md #27)', async () => {
    const errors: RuleErrorRecord[] = [];
    const { url } = await brokerWithRule(async () => {
      throw new Error('stream unavailable');
    }, errors);
    const client = await mqtt.connectAsync(url, { clientId: 'pump-7' });
    await client.publishAsync(topics.telemetry('pump-7'), 'raw bytes', { qos: 1 });
    await client.endAsync();
    expect(errors).toEqual([
      {
        ruleName: 'telemetry',
        topic: 'dt/tributary/pump-7/telemetry',
        clientId: 'pump-7',
        base64OriginalPayload: Buffer.from('raw bytes').toString('base64'),
        failures: [{ failedAction: 'stream', failedResource: 'stream', errorMessage: 'stream unavailable' }],
      },
    ]);
  });
});
