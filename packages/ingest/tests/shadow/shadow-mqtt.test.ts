// Shadows over MQTT with a real aedes broker and real mqtt.js clients (device-shadow-mqtt.html;
// faults.md rows 1, 2, 17). Responses go through the broker to every subscriber of the response topics.
import { silentLogger } from '@tributary/contracts';
import mqtt, { type MqttClient } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { startBroker, type LocalBroker } from '../../src/local/broker.js';
import { LocalShadowService, type ShadowRequests } from '../../src/local/shadow-service.js';
import { LocalShadowStore } from '../../src/local/shadow-store.js';
import { attachShadowTopics, type AttachedShadowTopics } from '../../src/local/shadow-topics.js';

const prefix = '$aws/things/pump-7/shadow';
let broker: LocalBroker | undefined;
let store: LocalShadowStore | undefined;
let attached: AttachedShadowTopics | undefined;
const clients: MqttClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.endAsync(true)));
  await attached?.idle();
  attached?.detach();
  await broker?.close();
  await store?.close();
  broker = store = attached = undefined;
});

async function shadowBroker(service?: ShadowRequests) {
  store = await LocalShadowStore.open(':memory:');
  broker = await startBroker({ port: 0, logger: silentLogger });
  attached = attachShadowTopics(broker.aedes, service ?? new LocalShadowService(store), {
    logger: silentLogger,
  });
  return broker;
}

/** A client subscribed to `filters`, recording every message it receives. */
async function listener(url: string, clientId: string, filters: string[]) {
  const client = await mqtt.connectAsync(url, { clientId });
  clients.push(client);
  const received: { topic: string; body: Record<string, unknown> }[] = [];
  const waiters: (() => void)[] = [];
  client.on('message', (topic, payload) => {
    received.push({ topic, body: JSON.parse(payload.toString()) as Record<string, unknown> });
    waiters.splice(0).forEach((wake) => wake());
  });
  await client.subscribeAsync(filters, { qos: 1 });
  const until = async (count: number) => {
    while (received.length < count) await new Promise<void>((resolve) => waiters.push(resolve));
    return received;
  };
  return { client, received, until };
}

describe('shadow MQTT topics', () => {
  it('answers an update with accepted, delta and documents, to every subscriber', async () => {
    const { url } = await shadowBroker();
    const device = await listener(url, 'pump-7', [`${prefix}/update/+`]);
    const app = await listener(url, 'dashboard', [`${prefix}/update/delta`]);
    await device.client.publishAsync(
      `${prefix}/update`,
      JSON.stringify({ state: { desired: { speed: 3 }, reported: { speed: 1 } }, clientToken: 'c1' }),
      { qos: 1 },
    );
    const messages = await device.until(3);
    expect(messages.map((m) => m.topic)).toEqual([
      `${prefix}/update/accepted`,
      `${prefix}/update/delta`,
      `${prefix}/update/documents`,
    ]);
    expect(messages[0]?.body).toMatchObject({
      state: { desired: { speed: 3 } },
      version: 1,
      clientToken: 'c1',
    });
    expect(messages[1]?.body).toMatchObject({ state: { speed: 3 }, version: 1, clientToken: 'c1' });
    expect(messages[2]?.body).toMatchObject({ current: { version: 1 }, clientToken: 'c1' });
    const [delta] = await app.until(1);
    expect(delta?.body).toMatchObject({ state: { speed: 3 } });
  });

  it('publishes no delta when desired matches reported', async () => {
    const { url } = await shadowBroker();
    const device = await listener(url, 'pump-7', [`${prefix}/update/+`]);
    await device.client.publishAsync(`${prefix}/update`, '{"state":{"reported":{"speed":1}}}', { qos: 1 });
    await device.until(2);
    await attached?.idle();
    expect(device.received.map((m) => m.topic)).toEqual([
      `${prefix}/update/accepted`,
      `${prefix}/update/documents`,
    ]);
  });

  it('rejects a stale version with 409 and leaves the state unchanged', async () => {
    const { url } = await shadowBroker();
    const device = await listener(url, 'pump-7', [
      `${prefix}/update/accepted`,
      `${prefix}/update/rejected`,
      `${prefix}/get/accepted`,
    ]);
    await device.client.publishAsync(`${prefix}/update`, '{"state":{"desired":{"v":"a"}}}', { qos: 1 });
    await device.client.publishAsync(`${prefix}/update`, '{"state":{"desired":{"v":"b"}},"version":1}', {
      qos: 1,
    });
    await device.client.publishAsync(
      `${prefix}/update`,
      '{"state":{"desired":{"v":"stale"}},"version":1,"clientToken":"late"}',
      { qos: 1 },
    );
    await device.until(3);
    expect(device.received[2]).toMatchObject({
      topic: `${prefix}/update/rejected`,
      body: { code: 409, message: 'Version conflict', clientToken: 'late' },
    });
    await device.client.publishAsync(`${prefix}/get`, '', { qos: 1 });
    const messages = await device.until(4);
    expect(messages[3]?.body).toMatchObject({ state: { desired: { v: 'b' } }, version: 2 });
  });

  it('lets exactly one of two concurrent updates with the same version win', async () => {
    const { url } = await shadowBroker();
    const device = await listener(url, 'pump-7', [`${prefix}/update/accepted`, `${prefix}/update/rejected`]);
    await device.client.publishAsync(`${prefix}/update`, '{"state":{"desired":{"v":0}}}', { qos: 1 });
    await device.until(1);
    const other = await mqtt.connectAsync(url, { clientId: 'pump-7-app' });
    clients.push(other);
    await Promise.all([
      device.client.publishAsync(`${prefix}/update`, '{"state":{"desired":{"v":1}},"version":1}', { qos: 1 }),
      other.publishAsync(`${prefix}/update`, '{"state":{"desired":{"v":2}},"version":1}', { qos: 1 }),
    ]);
    const messages = (await device.until(3)).slice(1);
    expect(messages.map((m) => m.topic).sort()).toEqual([
      `${prefix}/update/accepted`,
      `${prefix}/update/rejected`,
    ]);
    expect(messages.find((m) => m.topic.endsWith('accepted'))?.body).toMatchObject({ version: 2 });
  });

  it('rejects invalid JSON with 400 and a binary payload with 415', async () => {
    const { url } = await shadowBroker();
    const device = await listener(url, 'pump-7', [`${prefix}/update/rejected`]);
    await device.client.publishAsync(`${prefix}/update`, '{"state":', { qos: 1 });
    await device.until(1);
    await device.client.publishAsync(`${prefix}/update`, Buffer.from([0x7b, 0xc3, 0x28, 0xff, 0x7d]), {
      qos: 1,
    });
    const messages = await device.until(2);
    expect(messages.map((m) => [m.body['code'], m.body['message']])).toEqual([
      [400, 'Invalid JSON'],
      [415, 'Unsupported documented encoding; supported encoding is UTF-8'],
    ]);
  });

  it('keeps a named shadow apart from the classic shadow', async () => {
    const { url } = await shadowBroker();
    const named = `${prefix}/name/config`;
    const device = await listener(url, 'pump-7', [
      `${named}/update/accepted`,
      `${named}/get/accepted`,
      `${prefix}/get/rejected`,
      `${prefix}/update/accepted`,
    ]);
    await device.client.publishAsync(`${named}/update`, '{"state":{"reported":{"mode":"eco"}}}', { qos: 1 });
    await device.until(1);
    await device.client.publishAsync(`${prefix}/get`, '{"clientToken":"g1"}', { qos: 1 });
    await device.until(2);
    await device.client.publishAsync(`${named}/get`, '', { qos: 1 });
    const messages = await device.until(3);
    expect(messages[0]?.topic).toBe(`${named}/update/accepted`);
    expect(messages[1]).toMatchObject({
      topic: `${prefix}/get/rejected`,
      body: { code: 404, message: "No shadow exists with name: 'pump-7'", clientToken: 'g1' },
    });
    expect(messages[2]).toMatchObject({
      topic: `${named}/get/accepted`,
      body: { state: { reported: { mode: 'eco' } } },
    });
  });

  it('deletes a shadow and continues its version on the next update', async () => {
    const { url } = await shadowBroker();
    const device = await listener(url, 'pump-7', [`${prefix}/delete/+`, `${prefix}/update/accepted`]);
    await device.client.publishAsync(`${prefix}/update`, '{"state":{"reported":{"a":1}}}', { qos: 1 });
    await device.until(1);
    await device.client.publishAsync(`${prefix}/delete`, '', { qos: 1 });
    await device.until(2);
    await device.client.publishAsync(`${prefix}/delete`, '', { qos: 1 });
    await device.until(3);
    await device.client.publishAsync(`${prefix}/update`, '{"state":{"reported":{"a":2}}}', { qos: 1 });
    const messages = await device.until(4);
    expect(messages.map((m) => [m.topic.slice(prefix.length), m.body['version'] ?? m.body['code']])).toEqual([
      ['/update/accepted', 1],
      ['/delete/accepted', 1],
      ['/delete/rejected', 404],
      ['/update/accepted', 2],
    ]);
  });

  it('answers 429 to the eleventh request in flight on one connection', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slowStore = await LocalShadowStore.open(':memory:');
    const real = new LocalShadowService(slowStore);
    const slow: ShadowRequests = {
      nowSeconds: () => real.nowSeconds(),
      update: async (address, payload) => (await gate, real.update(address, payload)),
      get: (address, payload) => real.get(address, payload),
      delete: (address, payload) => real.delete(address, payload),
      listNamedShadows: (thing, request) => real.listNamedShadows(thing, request),
    };
    try {
      const { url } = await shadowBroker(slow);
      const device = await listener(url, 'pump-7', [
        `${prefix}/update/rejected`,
        `${prefix}/update/accepted`,
      ]);
      for (let i = 0; i < 11; i++) {
        await device.client.publishAsync(`${prefix}/update`, `{"state":{"reported":{"i":${i}}}}`, { qos: 1 });
      }
      const [first] = await device.until(1);
      expect(first).toMatchObject({ topic: `${prefix}/update/rejected`, body: { code: 429 } });
      release();
      const messages = await device.until(11);
      expect(messages.filter((m) => m.topic.endsWith('/accepted'))).toHaveLength(10);
    } finally {
      release();
      await attached?.idle();
      await slowStore.close();
    }
  });
});
