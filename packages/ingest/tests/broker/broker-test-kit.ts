// Test helpers for the broker: brokers that are closed after each test, mqtt.js clients that are ended,
// and a raw MQTT socket that sends hand-made packets and reads the broker's answers byte by byte.
import { silentLogger, type Logger } from '@tributary/contracts';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { afterEach } from 'vitest';
import { startBroker, type BrokerOptions, type LocalBroker } from '../../src/local/broker.js';

const brokers: LocalBroker[] = [];
const clients: MqttClient[] = [];
const sockets: Socket[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.endAsync(true)));
  for (const socket of sockets.splice(0)) socket.destroy();
  for (const broker of brokers.splice(0)) await broker.close();
});

/** Waits `ms` milliseconds (the broker's per-second quotas refill in real time). */
export const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function testBroker(options: Partial<BrokerOptions> = {}): Promise<LocalBroker> {
  const broker = await startBroker({ port: 0, logger: silentLogger, ...options });
  brokers.push(broker);
  return broker;
}

/** Closes a broker a test started before the end of the test (e.g. to restart it). */
export async function closeBroker(broker: LocalBroker): Promise<void> {
  brokers.splice(brokers.indexOf(broker), 1);
  await broker.close();
}

export async function mqttClient(broker: LocalBroker, options: IClientOptions = {}): Promise<MqttClient> {
  const client = await mqtt.connectAsync(broker.url, {
    reconnectPeriod: 0,
    connectTimeout: 5_000,
    ...options,
  });
  clients.push(client);
  return client;
}

/** Resolves with the client's next message, or undefined if none arrives within `withinMs`. */
export function nextMessage(
  client: MqttClient,
  withinMs = 500,
): Promise<{ topic: string; payload: string; retain: boolean } | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      client.removeListener('message', onMessage);
      resolve(undefined);
    }, withinMs);
    const onMessage = (topic: string, payload: Buffer, packet: { retain: boolean }) => {
      clearTimeout(timer);
      client.removeListener('message', onMessage);
      resolve({ topic, payload: payload.toString(), retain: packet.retain });
    };
    client.on('message', onMessage);
  });
}

/** Resolves when the broker closes the client's connection (true), or false after `withinMs`. */
export function closedByBroker(client: MqttClient, withinMs = 2_000): Promise<boolean> {
  return new Promise((resolve) => {
    if (!client.connected) return resolve(true);
    const timer = setTimeout(() => resolve(false), withinMs);
    client.once('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

// ---- hand-made MQTT 3.1.1 packets (mqtt-packet is not a dependency of this package) ----

function remainingLength(length: number): Buffer {
  const bytes: number[] = [];
  do {
    let byte = length % 128;
    length = Math.floor(length / 128);
    if (length > 0) byte |= 0x80;
    bytes.push(byte);
  } while (length > 0);
  return Buffer.from(bytes);
}

const utf8 = (text: string): Buffer => {
  const bytes = Buffer.from(text);
  return Buffer.concat([Buffer.from([bytes.length >> 8, bytes.length & 0xff]), bytes]);
};

const packet = (firstByte: number, body: Buffer): Buffer =>
  Buffer.concat([Buffer.from([firstByte]), remainingLength(body.length), body]);

export function connectPacket(options: {
  clientId: string;
  clean?: boolean;
  keepalive?: number;
  level?: 3 | 4 | 5;
}): Buffer {
  const level = options.level ?? 4;
  const flags = options.clean === false ? 0 : 0x02;
  const keepalive = options.keepalive ?? 60;
  const header = Buffer.concat([
    utf8(level === 3 ? 'MQIsdp' : 'MQTT'),
    Buffer.from([level, flags, keepalive >> 8, keepalive & 0xff]),
    level === 5 ? Buffer.from([0]) : Buffer.alloc(0), // MQTT 5: no properties
  ]);
  return packet(0x10, Buffer.concat([header, utf8(options.clientId)]));
}

export function publishPacket(topic: string, payload: string, qos: 0 | 1 | 2 = 0, packetId = 1): Buffer {
  const id = qos > 0 ? Buffer.from([packetId >> 8, packetId & 0xff]) : Buffer.alloc(0);
  return packet(0x30 | (qos << 1), Buffer.concat([utf8(topic), id, Buffer.from(payload)]));
}

export function subscribePacket(filters: { topic: string; qos: 0 | 1 | 2 }[], packetId = 1): Buffer {
  const entries = filters.map((f) => Buffer.concat([utf8(f.topic), Buffer.from([f.qos])]));
  return packet(0x82, Buffer.concat([Buffer.from([packetId >> 8, packetId & 0xff]), ...entries]));
}

export const pingreqPacket = Buffer.from([0xc0, 0x00]);
export const disconnectPacket = Buffer.from([0xe0, 0x00]);

/** A raw TCP connection that records every byte the broker sends. */
export class RawMqttConnection {
  received = Buffer.alloc(0);
  closed = false;
  private readonly closing: Promise<void>;

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => (this.received = Buffer.concat([this.received, chunk])));
    socket.on('error', () => undefined);
    this.closing = new Promise((resolve) =>
      socket.once('close', () => resolve((this.closed = true) && undefined)),
    );
  }

  static async open(broker: LocalBroker): Promise<RawMqttConnection> {
    const socket = connect(broker.port, broker.host);
    sockets.push(socket);
    await once(socket, 'connect');
    return new RawMqttConnection(socket);
  }

  send(bytes: Buffer): void {
    if (!this.socket.destroyed) this.socket.write(bytes);
  }

  /** True if the broker closed the connection within `withinMs`. */
  async closedWithin(withinMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), withinMs)));
    const result = await Promise.race([this.closing.then(() => true as const), timeout]);
    clearTimeout(timer);
    return result;
  }

  /** Waits until at least `count` bytes arrived (or the time is up) and returns what arrived. */
  async bytesWithin(count: number, withinMs: number): Promise<Buffer> {
    const deadline = Date.now() + withinMs;
    while (this.received.length < count && Date.now() < deadline && !this.closed) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return this.received;
  }

  /** Sends CONNECT and waits for the CONNACK's 4 bytes. */
  async connect(options: Parameters<typeof connectPacket>[0]): Promise<Buffer> {
    this.send(connectPacket(options));
    const bytes = await this.bytesWithin(4, 2_000);
    return bytes.subarray(0, 4);
  }
}

export const pubackPacket = (packetId: number): Buffer =>
  Buffer.from([0x40, 0x02, packetId >> 8, packetId & 0xff]);

/** Splits received bytes into packets: type (high nibble of the first byte), flags and body. */
export function packetsIn(bytes: Buffer): { type: number; flags: number; body: Buffer }[] {
  const packets: { type: number; flags: number; body: Buffer }[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const first = bytes[offset] as number;
    let length = 0;
    let multiplier = 1;
    let cursor = offset + 1;
    let byte: number;
    do {
      byte = bytes[cursor++] as number;
      length += (byte & 0x7f) * multiplier;
      multiplier *= 128;
    } while (byte & 0x80);
    if (cursor + length > bytes.length) break;
    packets.push({ type: first >> 4, flags: first & 0x0f, body: bytes.subarray(cursor, cursor + length) });
    offset = cursor + length;
  }
  return packets;
}

/** The packet id of a QoS > 0 PUBLISH body. */
export function publishPacketId(body: Buffer): number {
  const topicLength = body.readUInt16BE(0);
  return body.readUInt16BE(2 + topicLength);
}

/** One connect attempt by a real client that does not retry: did the broker let it in? */
export function connectOutcome(
  broker: LocalBroker,
  clientId: string,
  connectTimeoutMs = 2_000,
): Promise<'connected' | 'refused'> {
  const client = mqtt.connect(broker.url, { clientId, reconnectPeriod: 0, connectTimeout: connectTimeoutMs });
  clients.push(client);
  client.on('error', () => undefined);
  return new Promise((resolve) => {
    client.once('connect', () => resolve('connected'));
    client.once('close', () => resolve('refused'));
  });
}

/** A logger that keeps the fields of every warning, for tests that assert what the broker warned about. */
export function recordingWarnings(): { logger: Logger; warnings: Record<string, unknown>[] } {
  const warnings: Record<string, unknown>[] = [];
  const logger = {
    ...silentLogger,
    warn: (_: string, fields?: Record<string, unknown>) => void warnings.push(fields ?? {}),
  } as Logger;
  return { logger, warnings };
}
