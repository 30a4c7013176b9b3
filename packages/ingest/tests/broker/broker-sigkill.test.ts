// Broker killed with SIGKILL mid-stream, with a persistent (clean session 0) QoS 1 subscriber: after a
// restart on the same LevelDB directory the session resumes (sessionPresent=1) and every publish the
// broker acknowledged is delivered — lost = 0, duplicates allowed and counted (faults.md #21; DESIGN.md
// §4; mqtt.html#mqtt-persistent-sessions). The broker runs in a child process so the kill is real.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import mqtt, { type MqttClient } from 'mqtt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LocalBroker } from '../../src/local/broker.js';
import { packetsIn, RawMqttConnection, subscribePacket } from './broker-test-kit.js';

const child = fileURLToPath(new URL('./broker-until-killed.ts', import.meta.url));
let persistenceDir: string;
const children: ChildProcess[] = [];
const clients: MqttClient[] = [];

beforeEach(async () => {
  persistenceDir = await mkdtemp(join(tmpdir(), 'broker-sigkill-'));
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.endAsync(true)));
  for (const broker of children.splice(0)) broker.kill('SIGKILL');
  await rm(persistenceDir, { recursive: true, force: true });
});

interface BrokerProcess {
  readonly url: string;
  readonly port: number;
  kill(): Promise<NodeJS.Signals | null>;
}

async function spawnBroker(): Promise<BrokerProcess> {
  const broker = spawn(
    process.execPath,
    ['--conditions=@tributary/source', '--import', 'tsx', child, persistenceDir],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  children.push(broker);
  let errors = '';
  broker.stderr?.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    broker.once('exit', (_, signal) => resolve(signal)),
  );
  const port = await new Promise<number>((resolve, reject) => {
    broker.stdout?.once('data', (chunk: Buffer) => resolve(Number.parseInt(chunk.toString(), 10)));
    void exited.then(() => reject(new Error(`the broker exited before listening:\n${errors}`)));
  });
  return {
    port,
    url: `mqtt://127.0.0.1:${port}`,
    kill: async () => {
      broker.kill('SIGKILL');
      return exited;
    },
  };
}

async function connect(
  url: string,
  options: mqtt.IClientOptions,
): Promise<{ client: MqttClient; sessionPresent: boolean }> {
  const client = mqtt.connect(url, { reconnectPeriod: 0, connectTimeout: 5_000, ...options });
  clients.push(client);
  const connack = await new Promise<{ sessionPresent: boolean }>((resolve, reject) => {
    client.once('connect', resolve);
    client.once('error', reject);
  });
  return { client, sessionPresent: connack.sessionPresent };
}

/**
 * Publishes `count` QoS 1 messages without waiting between them, and kills the broker with SIGKILL as
 * soon as `killAfterAcks` PUBACKs came back. Resolves with the payloads the broker acknowledged.
 */
async function publishUntilKilled(
  broker: BrokerProcess,
  count: number,
  killAfterAcks: number,
): Promise<Set<string>> {
  const { client: publisher } = await connect(broker.url, { clientId: 'pump-7' });
  publisher.on('error', () => undefined);
  const acknowledged = new Set<string>();
  let killed: Promise<NodeJS.Signals | null> | undefined;
  for (let n = 0; n < count; n++) {
    const payload = `reading-${n}`;
    publisher.publish('dt/pump-7', payload, { qos: 1 }, (error) => {
      if (error || killed) return;
      acknowledged.add(payload);
      if (acknowledged.size >= killAfterAcks) killed = broker.kill();
    });
  }
  await expect.poll(() => killed, { timeout: 10_000 }).toBeDefined();
  expect(await killed).toBe('SIGKILL');
  return acknowledged;
}

/** Resumes the persistent session on a restarted broker and counts what arrives until 1 s of quiet. */
async function resumeAndReceive(url: string): Promise<{ sessionPresent: boolean; received: string[] }> {
  const received: string[] = [];
  const client = mqtt.connect(url, { clientId: 'dashboard', clean: false, reconnectPeriod: 0 });
  clients.push(client);
  client.on('message', (_topic, payload) => received.push(payload.toString()));
  const connack = await new Promise<{ sessionPresent: boolean }>((resolve) =>
    client.once('connect', resolve),
  );
  let seen = -1;
  while (seen !== received.length) {
    seen = received.length;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  return { sessionPresent: connack.sessionPresent, received };
}

/** The payloads of the PUBLISH packets in bytes a raw connection received. */
function payloadsIn(bytes: Buffer): string[] {
  return packetsIn(bytes)
    .filter((packet) => packet.type === 3)
    .map((packet) => packet.body.subarray(2 + packet.body.readUInt16BE(0) + 2).toString());
}

function lossAndDuplicates(acknowledged: Set<string>, received: string[]) {
  const lost = [...acknowledged].filter((payload) => !received.includes(payload));
  return { lost, duplicates: received.length - new Set(received).size };
}

describe('broker SIGKILL mid-stream with a persistent QoS 1 subscriber (faults.md #21)', () => {
  it('delivers every acknowledged publish to a subscriber that was offline (lost = 0, sessionPresent=1)', async () => {
    const first = await spawnBroker();
    const { client: subscriber } = await connect(first.url, { clientId: 'dashboard', clean: false });
    await subscriber.subscribeAsync('dt/#', { qos: 1 });
    await subscriber.endAsync();
    const acknowledged = await publishUntilKilled(first, 90, 45);

    const restarted = await spawnBroker();
    const { sessionPresent, received } = await resumeAndReceive(restarted.url);
    expect(sessionPresent).toBe(true);
    expect(acknowledged.size).toBeGreaterThanOrEqual(45);
    expect(lossAndDuplicates(acknowledged, received)).toEqual({ lost: [], duplicates: 0 });
  });

  it('redelivers what an online subscriber had not acknowledged, and the rest (lost = 0, no duplicates)', async () => {
    const first = await spawnBroker();
    // The raw connection needs only the broker's address.
    const subscriber = await RawMqttConnection.open({ host: '127.0.0.1', port: first.port } as LocalBroker);
    await subscriber.connect({ clientId: 'dashboard', clean: false });
    subscriber.send(subscribePacket([{ topic: 'dt/#', qos: 1 }]));
    await subscriber.bytesWithin(9, 2_000); // CONNACK + SUBACK; it never sends a PUBACK
    // One message surely delivered (and never acknowledged) before the kill, however loaded the machine.
    const { client: early } = await connect(first.url, { clientId: 'pump-early' });
    await early.publishAsync('dt/pump-early/telemetry', 'early', { qos: 1 });
    for (let waited = 0; !payloadsIn(subscriber.received).includes('early') && waited < 3_000; waited += 20) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const acknowledged = await publishUntilKilled(first, 90, 45);
    acknowledged.add('early');
    const unacknowledgedByTheSubscriber = payloadsIn(subscriber.received);
    subscriber.socket.destroy();
    expect(unacknowledgedByTheSubscriber.length).toBeGreaterThan(0);

    const restarted = await spawnBroker();
    const { sessionPresent, received } = await resumeAndReceive(restarted.url);
    expect(sessionPresent).toBe(true);
    expect(lossAndDuplicates(acknowledged, received)).toEqual({ lost: [], duplicates: 0 });
    // Delivered before the kill but never acknowledged: delivered again (at least once, across sessions).
    expect(unacknowledgedByTheSubscriber.filter((payload) => !received.includes(payload))).toEqual([]);
  });
});
