// The Will of a device whose broker was killed with SIGKILL (faults.md #21, #26): the connection ended
// without DISCONNECT, so the Will is owed (MQTT-3.1.2-8). aedes stores every Will in the broker's
// LevelDB at CONNECT; a broker restarted on that directory publishes the Wills of a broker id it has not
// heard from for 3 heartbeats, on its will sweep every 4 heartbeats (aedes.js _clearWills; heartbeat
// 60 s by default, so about 4 minutes after the restart). The sweep's interval is faked here.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AedesPublishPacket } from 'aedes';
import mqtt from 'mqtt';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { silentLogger, type Logger } from '@tributary/contracts';
import { testBroker } from './broker-test-kit.js';

const child = fileURLToPath(new URL('./broker-until-killed.ts', import.meta.url));
const aedesHeartbeatMs = 60_000;
let persistenceDir: string;
const children: ChildProcess[] = [];

beforeEach(async () => {
  persistenceDir = await mkdtemp(join(tmpdir(), 'will-after-crash-'));
});
afterEach(async () => {
  vi.useRealTimers();
  for (const broker of children.splice(0)) broker.kill('SIGKILL');
  await rm(persistenceDir, { recursive: true, force: true });
});

/** A broker in a child process on `persistenceDir`; resolves with its port. */
async function spawnBroker(): Promise<{ port: number; kill(): Promise<void> }> {
  const broker = spawn(
    process.execPath,
    ['--conditions=@tributary/source', '--import', 'tsx', child, persistenceDir],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  children.push(broker);
  const exited = new Promise<void>((resolve) => broker.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    broker.stdout?.once('data', (chunk: Buffer) => resolve(Number.parseInt(chunk.toString(), 10)));
    void exited.then(() => reject(new Error('the broker exited before listening')));
  });
  return { port, kill: () => (broker.kill('SIGKILL'), exited) };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A device with a QoS 1 Will on `status/<clientId>` connects to a child broker, which is then killed. */
async function leaveWillOnKilledBroker(clientId: string): Promise<void> {
  const killed = await spawnBroker();
  const device = mqtt.connect(`mqtt://127.0.0.1:${killed.port}`, {
    clientId,
    reconnectPeriod: 0,
    will: { topic: `status/${clientId}`, payload: Buffer.from('offline'), qos: 1, retain: false },
  });
  device.on('error', () => undefined);
  await new Promise<void>((resolve) => device.once('connect', () => resolve()));
  await sleep(200); // aedes stores the Will after the CONNACK (handlers/connect.js storeWill)
  await killed.kill();
  device.end(true);
}

describe('a Will owed when the broker was killed', () => {
  it('is published, with its QoS, by the broker restarted on the same directory, at its will sweep', async () => {
    await leaveWillOnKilledBroker('pump-7');

    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const restarted = await testBroker({ persistenceDir });
    const wills: { payload: string; qos: number }[] = [];
    await new Promise<void>((resolve) =>
      restarted.aedes.subscribe(
        'status/#',
        (packet: AedesPublishPacket, done: () => void) => {
          wills.push({ payload: packet.payload.toString(), qos: packet.qos });
          done();
        },
        resolve,
      ),
    );
    await sleep(300);
    expect(wills, 'not before the sweep').toEqual([]);

    vi.advanceTimersByTime(4 * aedesHeartbeatMs);
    for (let waited = 0; wills.length === 0 && waited < 3_000; waited += 50) await sleep(50);
    expect(wills).toEqual([{ payload: 'offline', qos: 1 }]);
  });

  it('is discarded, with a warning, by a broker under an authorizer: the certificate it was left with is unknown', async () => {
    await leaveWillOnKilledBroker('pump-9');

    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const asked: string[] = [];
    const warnings: Record<string, unknown>[] = [];
    const restarted = await testBroker({
      persistenceDir,
      logger: {
        ...silentLogger,
        warn: (_: string, fields?: Record<string, unknown>) => void warnings.push(fields ?? {}),
      } as Logger,
      // Allows everything it is asked: the refusal must come before any policy is consulted.
      authorizer: { publish: (context) => (asked.push(context.clientId), { allowed: true, reason: 'test' }) },
    });
    const wills: string[] = [];
    await new Promise<void>((resolve) =>
      restarted.aedes.subscribe(
        'status/#',
        (packet: AedesPublishPacket, done: () => void) => {
          wills.push(packet.payload.toString());
          done();
        },
        resolve,
      ),
    );
    vi.advanceTimersByTime(4 * aedesHeartbeatMs);
    await sleep(1_000);
    expect(wills).toEqual([]);
    expect(asked).toEqual([]);
    expect(warnings).toContainEqual(expect.objectContaining({ code: 'ORPHANED_WILL', clientId: 'pump-9' }));
  });
});
