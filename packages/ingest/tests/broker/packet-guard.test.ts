// The socket-level packet guard: a packet announcing more than the limit ends the connection before its
// body is buffered (faults.md #3; AWS's 128 KB payload quota, iot-core.html#message-broker-limits).
import { once } from 'node:events';
import { connect, createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { FixedHeaderScanner } from '../../src/local/broker/packet-guard.js';
import {
  closedByBroker,
  connectPacket,
  mqttClient,
  nextMessage,
  RawMqttConnection,
  testBroker,
} from './broker-test-kit.js';

describe('fixed-header scanner', () => {
  it('follows packet boundaries across chunks without refusing packets within the limit', () => {
    const scanner = new FixedHeaderScanner(1_000);
    const bytes = Buffer.concat([
      connectPacket({ clientId: 'pump-7' }),
      Buffer.from([0x30, 0x85, 0x07]),
      Buffer.alloc(901),
    ]);
    for (let i = 0; i < bytes.length; i += 7) expect(scanner.scan(bytes.subarray(i, i + 7))).toBeUndefined();
  });

  it('refuses as soon as the announced length passes the limit, before the last length byte', () => {
    const scanner = new FixedHeaderScanner(1_000);
    expect(scanner.scan(connectPacket({ clientId: 'pump-7' }))).toBeUndefined();
    expect(scanner.scan(Buffer.from([0x30, 0xff, 0xff]))?.code).toBe('PACKET_TOO_LARGE');
  });

  it('refuses a remaining length longer than 4 bytes and a first packet that is not CONNECT', () => {
    const tooLong = new FixedHeaderScanner(Number.MAX_SAFE_INTEGER);
    expect(tooLong.scan(Buffer.from([0x10, 0x80, 0x80, 0x80, 0x80, 0x01]))?.code).toBe('MALFORMED_PACKET');
    expect(new FixedHeaderScanner(1_000).scan(Buffer.from([0x30, 0x00]))?.code).toBe('MALFORMED_PACKET');
  });
});

describe('local broker packet guard (faults.md #3)', () => {
  it('drops a pre-CONNECT packet announcing ~243 MB without buffering it', async () => {
    const broker = await testBroker();
    const heapBefore = process.memoryUsage().heapUsed;
    const rssBefore = process.memoryUsage().rss;
    const connection = await RawMqttConnection.open(broker);
    connection.send(Buffer.from([0x30, 0x80, 0x80, 0x80, 0x74]));
    // Keep sending body bytes the way an attacker would; the guard must have closed the socket already.
    const megabyte = Buffer.alloc(1024 * 1024, 0x61);
    for (let i = 0; i < 20 && !connection.closed; i++) {
      connection.send(megabyte);
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(await connection.closedWithin(2_000)).toBe(true);
    const heapGrowth = process.memoryUsage().heapUsed - heapBefore;
    const rssGrowth = process.memoryUsage().rss - rssBefore;
    expect(heapGrowth).toBeLessThan(20 * 1024 * 1024);
    expect(rssGrowth).toBeLessThan(40 * 1024 * 1024);
    expect(broker.aedes.connectedClients).toBe(0);
  });

  it('drops a CONNECT announcing more than the limit (mosquitto 01-bad-initial-packets)', async () => {
    const broker = await testBroker();
    const connection = await RawMqttConnection.open(broker);
    connection.send(Buffer.from([0x10, 0x80, 0x80, 0x80, 0x74]));
    expect(await connection.closedWithin(2_000)).toBe(true);
    expect(connection.received.length).toBe(0);
  });

  it('accepts a 128 KiB payload and disconnects a client publishing one byte more (AWS PAYLOAD_LIMIT_EXCEEDED)', async () => {
    const broker = await testBroker();
    const subscriber = await mqttClient(broker, { clientId: 'dashboard' });
    await subscriber.subscribeAsync('dt/tributary/pump-7/telemetry', { qos: 1 });
    const publisher = await mqttClient(broker, { clientId: 'pump-7' });
    const atLimit = 'x'.repeat(128 * 1024);
    const received = nextMessage(subscriber, 2_000);
    await publisher.publishAsync('dt/tributary/pump-7/telemetry', atLimit, { qos: 1 });
    expect((await received)?.payload.length).toBe(128 * 1024);

    const closed = closedByBroker(publisher);
    publisher.publish('dt/tributary/pump-7/telemetry', atLimit + 'x', { qos: 1 });
    expect(await closed).toBe(true);
  });

  it('applies the guard to sockets handed in by another listener (handleConnection)', async () => {
    const broker = await testBroker();
    const front = createServer((socket) => broker.handleConnection(socket, { certificateId: 'abc' }, 'abc'));
    front.listen(0, '127.0.0.1');
    await once(front, 'listening');
    try {
      const socket = connect((front.address() as { port: number }).port, '127.0.0.1');
      socket.on('error', () => undefined);
      await once(socket, 'connect');
      const closed = new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), 1_000);
        socket.once('close', () => resolve(clearTimeout(timer) === undefined));
      });
      socket.write(Buffer.from([0x30, 0x80, 0x80, 0x80, 0x74]));
      expect(await closed).toBe(true);
      expect(socket.bytesRead).toBe(0);
    } finally {
      front.close();
    }
  });
});
