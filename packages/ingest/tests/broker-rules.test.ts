// A real aedes broker on a real socket, real mqtt.js clients: a QoS 1 publish is acknowledged only
// after the rules engine has run the rule's actions; republish reaches subscribers; a failing action
// reaches the error action with AWS's error record; Basic Ingest invokes exactly the rule it names.
import { silentLogger, telemetryRuleSql, topics, TelemetryEnvelope } from '@tributary/contracts';
import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import type { RuleErrorRecord, RuleOutput, TopicRule } from '../src/core/index.js';
import { LocalRulesEngine, startBroker, type LocalBroker } from '../src/local/index.js';

let broker: LocalBroker | undefined;
const clients: mqtt.MqttClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.endAsync()));
  await broker?.close();
  broker = undefined;
});

interface Put {
  readonly record: RuleOutput;
  readonly partitionKey: string;
}

/** A broker whose publishes go through a rules engine holding `rules`; republish goes back through it. */
async function brokerWithRules(...rules: TopicRule[]) {
  const triggered: number[] = [];
  const engine = new LocalRulesEngine({
    logger: silentLogger,
    clock: () => 1234,
    publish: (topic, payload, qos) =>
      new Promise<void>((resolve, reject) =>
        broker!.aedes.publish({ cmd: 'publish', topic, payload, qos, retain: false, dup: false }, (error) =>
          error ? reject(error) : resolve(),
        ),
      ),
  });
  for (const rule of rules) engine.addRule(rule);
  broker = await startBroker({
    port: 0,
    logger: silentLogger,
    beforeAcknowledge: async (packet, clientId) =>
      triggered.push(await engine.evaluate(packet.topic, Buffer.from(packet.payload), clientId)),
  });
  return { url: broker.url, triggered };
}

async function connect(url: string, clientId: string) {
  const client = await mqtt.connectAsync(url, { clientId });
  clients.push(client);
  return client;
}

function telemetryRule(put: (p: Put) => Promise<void> | void, errors: RuleErrorRecord[] = []): TopicRule {
  return {
    name: 'telemetry',
    sql: telemetryRuleSql(topics.telemetryFilter),
    actions: [
      {
        kind: 'stream',
        streamName: 'telemetry-stream',
        partitionKey: '${topic(3)}',
        put: (record, partitionKey) => put({ record, partitionKey }),
      },
    ],
    errorAction: {
      kind: 'stream',
      streamName: 'errors',
      partitionKey: '${topic(3)}',
      put: (record) => void errors.push(record),
    },
  };
}

describe('local broker with the rules engine', () => {
  it('acknowledges a QoS 1 publish only after the rule action has the envelope', async () => {
    const received: Put[] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { url } = await brokerWithRules(
      telemetryRule(async (put) => {
        await gate;
        received.push(put);
      }),
    );
    const client = await connect(url, 'pump-7');
    let acknowledged = false;
    const publish = client
      .publishAsync(topics.telemetry('pump-7'), '{"metrics":{"t":1}}', { qos: 1 })
      .then(() => (acknowledged = true));
    await new Promise((r) => setTimeout(r, 200));
    expect(acknowledged).toBe(false);
    release();
    await publish;
    expect(received).toHaveLength(1);
    const envelope = TelemetryEnvelope.parse(received[0]?.record);
    expect(envelope).toMatchObject({
      topic: 'dt/tributary/pump-7/telemetry',
      clientId: 'pump-7',
      receivedAt: 1234,
    });
    expect(Buffer.from(envelope.payload, 'base64').toString()).toBe('{"metrics":{"t":1}}');
    expect(received[0]?.partitionKey).toBe('pump-7');
  });

  it('does not run the telemetry rule for other topics', async () => {
    const received: Put[] = [];
    const { url, triggered } = await brokerWithRules(telemetryRule((p) => void received.push(p)));
    const client = await connect(url, 'pump-7');
    await client.publishAsync('dt/other/pump-7/telemetry', '{}', { qos: 1 });
    await client.publishAsync('dt/tributary/pump-7/status', '{}', { qos: 1 });
    expect(received).toHaveLength(0);
    expect(triggered).toEqual([0, 0]);
  });

  it('republishes the SELECT output to a subscriber, only when WHERE is true (republish-rule-action.html)', async () => {
    const { url, triggered } = await brokerWithRules({
      name: 'hot',
      sql: "SELECT temperature AS t, topic(2) AS device FROM 'sensors/+/temp' WHERE temperature > 50",
      actions: [{ kind: 'republish', topic: 'alerts/${topic(2)}', qos: 1 }],
    });
    const subscriber = await connect(url, 'dashboard');
    await subscriber.subscribeAsync('alerts/#', { qos: 1 });
    const alert = new Promise<[string, string]>((resolve) =>
      subscriber.on('message', (topic, payload) => resolve([topic, payload.toString()])),
    );
    const device = await connect(url, 'pump-7');
    await device.publishAsync('sensors/pump-7/temp', '{"temperature": 40}', { qos: 1 });
    await device.publishAsync('sensors/pump-7/temp', '{"temperature": 70}', { qos: 1 });
    expect(await alert).toEqual(['alerts/pump-7', '{"t":70,"device":"pump-7"}']);
    // Both publishes triggered the rule (what AWS bills); only one passed WHERE.
    expect(triggered).toEqual([1, 1]);
  });

  it('republishes to a reserved $aws topic written with $$', async () => {
    const { url } = await brokerWithRules({
      name: 'shadow_copy',
      sql: "SELECT VALUE state FROM 'copy/+'",
      actions: [{ kind: 'republish', topic: '$$aws/things/${topic(2)}/shadow/update' }],
    });
    const subscriber = await connect(url, 'watcher');
    await subscriber.subscribeAsync('$aws/things/+/shadow/update');
    const update = new Promise<string>((resolve) => subscriber.on('message', (topic) => resolve(topic)));
    const device = await connect(url, 'pump-7');
    await device.publishAsync('copy/pump-7', '{"state":{"reported":{"on":true}}}', { qos: 1 });
    expect(await update).toBe('$aws/things/pump-7/shadow/update');
  });

  it("sends AWS's error record, with the original payload, when an action fails (rule-error-handling.html, faults.md #27)", async () => {
    const errors: RuleErrorRecord[] = [];
    const { url } = await brokerWithRules(
      telemetryRule(() => {
        throw new Error('stream unavailable');
      }, errors),
    );
    const client = await connect(url, 'pump-7');
    await client.publishAsync(topics.telemetry('pump-7'), 'raw bytes', { qos: 1 });
    expect(errors).toEqual([
      {
        ruleName: 'telemetry',
        topic: 'dt/tributary/pump-7/telemetry',
        cloudwatchTraceId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        clientId: 'pump-7',
        base64OriginalPayload: Buffer.from('raw bytes').toString('base64'),
        failures: [
          {
            failedAction: 'KinesisAction',
            failedResource: 'telemetry-stream',
            errorMessage: 'stream unavailable',
          },
        ],
      },
    ]);
  });

  it('invokes only the rule a Basic Ingest topic names, which sees the topic without the prefix (iot-basic-ingest.html)', async () => {
    const received: Put[] = [];
    const other: Put[] = [];
    const { url, triggered } = await brokerWithRules(
      telemetryRule((p) => void received.push(p)),
      {
        name: 'everything',
        sql: "SELECT * FROM 'dt/#'",
        actions: [
          {
            kind: 'stream',
            streamName: 'all',
            partitionKey: '${newuuid()}',
            put: (record, partitionKey) => void other.push({ record, partitionKey }),
          },
        ],
      },
    );
    const client = await connect(url, 'pump-7');
    await client.publishAsync(`$aws/rules/telemetry/${topics.telemetry('pump-7')}`, '{"metrics":{"t":1}}', {
      qos: 1,
    });
    expect(triggered).toEqual([1]);
    expect(other).toHaveLength(0);
    expect(received).toHaveLength(1);
    expect(TelemetryEnvelope.parse(received[0]?.record).topic).toBe('dt/tributary/pump-7/telemetry');
    expect(received[0]?.partitionKey).toBe('pump-7');
  });

  it('triggers nothing for a Basic Ingest publish to a rule that does not exist', async () => {
    const { url, triggered } = await brokerWithRules(telemetryRule(() => undefined));
    const client = await connect(url, 'pump-7');
    await client.publishAsync('$aws/rules/missing/dt/x', '{}', { qos: 1 });
    expect(triggered).toEqual([0]);
  });
});
