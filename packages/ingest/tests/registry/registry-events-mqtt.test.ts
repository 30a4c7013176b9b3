// Registry events end to end, as an operator meets them on AWS: @aws-sdk/client-iot turns them on with
// UpdateEventConfigurations, changes the registry, and an MQTT subscriber on `$aws/events/#` receives the
// documents of registry-events.html — and nothing while they are off (the default, iot-events.html).
import * as iot from '@aws-sdk/client-iot';
import { silentLogger } from '@tributary/contracts';
import mqtt, { type MqttClient } from 'mqtt';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LocalRegistry, startLocalIotCore, type LocalIotCore } from '../../src/local/index.js';
import { rejectionOf } from './control-plane-fixture.js';
import { localIotClient } from './iot-sdk.js';

interface Received {
  readonly topic: string;
  readonly event: Record<string, unknown>;
}

const location = { region: 'eu-west-1', account: '123456789012' };
let dataDir: string;
let registry: LocalRegistry;
let core: LocalIotCore;
let client: iot.IoTClient;
let subscriber: MqttClient;
const received: Received[] = [];
const seenByRules: string[] = [];

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'registry-events-'));
  registry = await LocalRegistry.open(join(dataDir, 'registry.duckdb'), {
    region: location.region,
    accountId: location.account,
  });
  core = await startLocalIotCore({
    dataDir,
    registry,
    logger: silentLogger,
    location,
    mqttPort: 0,
    mqttsPort: 0,
    controlPlanePort: 0,
    onServiceMessage: async (topic) => void seenByRules.push(topic),
  });
  client = localIotClient(core.controlPlaneUrl);
  subscriber = await mqtt.connectAsync(core.mqttUrl!, { clientId: 'operator', reconnectPeriod: 0 });
  await subscriber.subscribeAsync(['$aws/events/thing/#', '$aws/events/thingGroupMembership/#', 'marker']);
  subscriber.on('message', (topic, payload) => {
    if (topic !== 'marker') received.push({ topic, event: JSON.parse(payload.toString()) });
  });
});

afterAll(async () => {
  await subscriber?.endAsync();
  client?.destroy();
  await core?.close();
  registry?.close();
  await rm(dataDir, { recursive: true, force: true });
});

beforeEach(async () => {
  await client.send(
    new iot.UpdateEventConfigurationsCommand({
      eventConfigurations: { THING: { Enabled: false }, THING_GROUP_MEMBERSHIP: { Enabled: false } },
    }),
  );
  received.length = 0;
  seenByRules.length = 0;
});

/** Everything the broker delivered before a marker published now: it delivers in order. */
async function deliveredSoFar(): Promise<Received[]> {
  const marker = new Promise<void>((resolve) =>
    subscriber.on('message', function onMarker(topic) {
      if (topic !== 'marker') return;
      subscriber.off('message', onMarker);
      resolve();
    }),
  );
  await subscriber.publishAsync('marker', '', { qos: 1 });
  await marker;
  return [...received];
}

const enable = (...types: iot.EventType[]) =>
  client.send(
    new iot.UpdateEventConfigurationsCommand({
      eventConfigurations: Object.fromEntries(types.map((type) => [type, { Enabled: true }])),
    }),
  );

describe('registry events over MQTT', () => {
  it('publishes nothing while the event type is off, as AWS does by default', async () => {
    const described = await client.send(new iot.DescribeEventConfigurationsCommand({}));
    expect(described.eventConfigurations?.['THING']).toEqual({ Enabled: false });
    expect(described.eventConfigurations?.['JOB']).toEqual({ Enabled: false });

    await client.send(new iot.CreateThingCommand({ thingName: 'quiet-1' }));
    await client.send(new iot.DeleteThingCommand({ thingName: 'quiet-1' }));
    expect(await deliveredSoFar()).toEqual([]);
    expect(seenByRules).toEqual([]);
  });

  it('publishes a thing’s created, updated and deleted events once THING events are on', async () => {
    await enable('THING');
    const created = await client.send(
      new iot.CreateThingCommand({ thingName: 'x', attributePayload: { attributes: { site: 'north' } } }),
    );
    await client.send(
      new iot.UpdateThingCommand({ thingName: 'x', attributePayload: { attributes: { site: 'south' } } }),
    );
    await client.send(new iot.DeleteThingCommand({ thingName: 'x' }));

    const events = await deliveredSoFar();
    expect(events.map((e) => e.topic)).toEqual([
      '$aws/events/thing/x/created',
      '$aws/events/thing/x/updated',
      '$aws/events/thing/x/deleted',
    ]);
    expect(events[0]?.event).toEqual({
      eventType: 'THING_EVENT',
      eventId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      timestamp: expect.any(Number),
      operation: 'CREATED',
      accountId: '123456789012',
      thingId: created.thingId,
      thingName: 'x',
      versionNumber: 1,
      thingTypeName: null,
      attributes: { site: 'north' },
    });
    expect(events[1]?.event).toMatchObject({
      operation: 'UPDATED',
      versionNumber: 2,
      attributes: { site: 'south' },
    });
    expect(events[2]?.event).toMatchObject({ operation: 'DELETED', thingId: created.thingId });
    expect(new Set(events.map((e) => e.event['eventId'])).size).toBe(3);
    // Topic rules see them as on AWS.
    expect(seenByRules).toEqual(events.map((e) => e.topic));
  });

  it('publishes group membership added and removed with the same membership id', async () => {
    await enable('THING_GROUP_MEMBERSHIP');
    const group = await client.send(new iot.CreateThingGroupCommand({ thingGroupName: 'plant-a' }));
    const thing = await client.send(new iot.CreateThingCommand({ thingName: 'pump-1' }));
    const membership = { thingName: 'pump-1', thingGroupName: 'plant-a' };
    await client.send(new iot.AddThingToThingGroupCommand(membership));
    await client.send(new iot.AddThingToThingGroupCommand(membership)); // already a member: no event
    await client.send(new iot.RemoveThingFromThingGroupCommand(membership));

    const events = await deliveredSoFar();
    expect(events.map((e) => e.topic)).toEqual([
      '$aws/events/thingGroupMembership/thingGroup/plant-a/thing/pump-1/added',
      '$aws/events/thingGroupMembership/thingGroup/plant-a/thing/pump-1/removed',
    ]);
    expect(events[0]?.event).toMatchObject({
      eventType: 'THING_GROUP_MEMBERSHIP_EVENT',
      operation: 'ADDED',
      accountId: '123456789012',
      groupArn: group.thingGroupArn,
      groupId: group.thingGroupId,
      thingArn: thing.thingArn,
      thingId: thing.thingId,
      membershipId: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    expect(events[1]?.event['membershipId']).toBe(events[0]?.event['membershipId']);
  });
});

describe('UpdateEventConfigurations on the local control plane', () => {
  it('keeps the configuration across a restart of the registry', async () => {
    const path = join(dataDir, 'restart.duckdb');
    const first = await LocalRegistry.open(path);
    await first.updateEventConfigurations({ THING_TYPE: { Enabled: true } });
    first.close();
    const reopened = await LocalRegistry.open(path);
    const described = await reopened.describeEventConfigurations();
    expect(described.eventConfigurations.THING_TYPE).toEqual({ Enabled: true });
    expect(described.eventConfigurations.THING).toEqual({ Enabled: false });
    expect(described.lastModifiedDate).toBeInstanceOf(Date);
    reopened.close();
  });

  it('refuses to enable events the local IoT Core does not publish, naming them', async () => {
    const error = await rejectionOf(
      client.send(
        new iot.UpdateEventConfigurationsCommand({ eventConfigurations: { CERTIFICATE: { Enabled: true } } }),
      ),
    );
    expect(error.name).toBe('InvalidRequestException');
    expect(error.message).toContain('CERTIFICATE');
    const described = await client.send(new iot.DescribeEventConfigurationsCommand({}));
    expect(described.eventConfigurations?.['CERTIFICATE']).toEqual({ Enabled: false });
  });
});
