// Shared pieces of the PKI tests: a logger that records (so a test can assert why a connection was
// refused), and mqtts clients that report whether the broker let them in.
import type { Logger } from '@tributary/contracts';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { EventEmitter, once } from 'node:events';

export interface LogEntry {
  readonly level: string;
  readonly message: string;
  readonly fields: Record<string, unknown>;
}

export class RecordingLogger implements Logger {
  readonly entries: LogEntry[] = [];
  private readonly written = new EventEmitter();

  debug = (message: string, fields: Record<string, unknown> = {}) => this.record('debug', message, fields);
  info = (message: string, fields: Record<string, unknown> = {}) => this.record('info', message, fields);
  warn = (message: string, fields: Record<string, unknown> = {}) => this.record('warn', message, fields);
  error = (message: string, fields: Record<string, unknown> = {}) => this.record('error', message, fields);
  child(): Logger {
    return this;
  }

  /** Resolves with the first entry (already written or still to come) that matches. */
  async waitFor(matches: (entry: LogEntry) => boolean): Promise<LogEntry> {
    const seen = this.entries.find(matches);
    if (seen) return seen;
    for (;;) {
      const [entry] = (await once(this.written, 'entry')) as [LogEntry];
      if (matches(entry)) return entry;
    }
  }

  private record(level: string, message: string, fields: Record<string, unknown>): void {
    const entry = { level, message, fields };
    this.entries.push(entry);
    this.written.emit('entry', entry);
  }
}

export interface DeviceCredentials {
  readonly certificatePem?: string;
  readonly privateKeyPem?: string;
}

function mqttsOptions(
  port: number,
  caPem: string,
  device: DeviceCredentials,
  clientId: string,
): IClientOptions {
  return {
    host: '127.0.0.1',
    port,
    protocol: 'mqtts',
    protocolVersion: 4,
    ca: caPem,
    cert: device.certificatePem,
    key: device.privateKeyPem,
    clientId,
    reconnectPeriod: 0,
    connectTimeout: 5_000,
  };
}

/** A connected mqtt.js device over mutual TLS; rejects if the broker does not let it in. */
export async function connectDevice(
  port: number,
  caPem: string,
  device: DeviceCredentials,
  clientId: string,
): Promise<MqttClient> {
  return mqtt.connectAsync(`mqtts://127.0.0.1:${port}`, mqttsOptions(port, caPem, device, clientId), false);
}

/** Tries to connect and reports what happened, ending the client either way. */
export async function connectionOutcome(
  port: number,
  caPem: string,
  device: DeviceCredentials,
  clientId: string,
): Promise<'connected' | 'refused'> {
  const client = mqtt.connect(mqttsOptions(port, caPem, device, clientId));
  client.on('error', () => undefined);
  const outcome = await new Promise<'connected' | 'refused'>((resolve) => {
    client.once('connect', () => resolve('connected'));
    client.once('close', () => resolve('refused'));
  });
  await client.endAsync(true);
  return outcome;
}

export function nextMessage(client: MqttClient): Promise<{ topic: string; payload: string }> {
  return new Promise((resolve) =>
    client.once('message', (topic, payload) => resolve({ topic, payload: payload.toString() })),
  );
}

export function closed(client: MqttClient): Promise<void> {
  return new Promise((resolve) => client.once('close', () => resolve()));
}
