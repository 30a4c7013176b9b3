// Publish → queryable, per message: the messages of a few probe devices are remembered when sent, and
// the platform's SQL API is polled for their rows; a message's freshness is the time from its send to
// the answer of the first query that returned its row (an upper bound: the row may have landed during
// the query). The baseline is the same messages reaching an MQTT subscriber on the same broker.
import mqtt, { type MqttClient } from 'mqtt';
import { epochMs, telemetryTopicOf } from './device-fleet.js';
import type { PlatformProcess } from './platform-process.js';

const pollEveryMs = 100;
/** AWS IoT Core takes at most 8 topic filters in one SUBSCRIBE. */
const filtersPerSubscribe = 8;

export interface FreshnessSamples {
  /** Publish → row returned by SQL, in ms. */
  readonly queryableMs: number[];
  /** Publish → delivered to an MQTT subscriber on the platform's broker, in ms. */
  readonly deliveredMs: number[];
  /** How long each poll's SQL query took, in ms: the part of publish → queryable spent querying. */
  readonly queryMs: number[];
  /** Of which the platform ran it (planning and execution; not HTTP, waiting for a compaction swap, or its event loop). */
  readonly engineMs: number[];
  /** Probe messages sent whose row no query returned yet. */
  readonly pending: number;
}

export class FreshnessProbe {
  private readonly sentAt = new Map<string, number>();
  private queryableMs: number[] = [];
  private deliveredMs: number[] = [];
  private queryMs: number[] = [];
  private engineMs: number[] = [];
  private polling = true;
  private readonly poller: Promise<void>;

  private constructor(
    private readonly platform: PlatformProcess,
    private readonly probeThings: readonly string[],
    private readonly subscriber: MqttClient,
  ) {
    subscriber.on('message', (_topic, payload) => {
      const { ts } = JSON.parse(payload.toString()) as { ts: number };
      this.deliveredMs.push(epochMs() - ts);
    });
    this.poller = this.poll();
  }

  /** Subscribes to the probe devices' topics on the platform's plain listener and starts polling SQL. */
  static async start(platform: PlatformProcess, probeThings: readonly string[]): Promise<FreshnessProbe> {
    const subscriber = await mqtt.connectAsync(platform.mqttUrl, {
      clientId: 'bench-e2e-freshness',
      reconnectPeriod: 0,
    });
    for (let from = 0; from < probeThings.length; from += filtersPerSubscribe) {
      const topics = probeThings.slice(from, from + filtersPerSubscribe).map(telemetryTopicOf);
      await subscriber.subscribeAsync(topics, { qos: 1 });
    }
    return new FreshnessProbe(platform, probeThings, subscriber);
  }

  /** Call as a probe device's message is sent. */
  sent(thingName: string, messageId: string, sentAtEpochMs: number): void {
    this.sentAt.set(`${thingName}/${messageId}`, sentAtEpochMs);
  }

  /** The samples since the last call. */
  take(): FreshnessSamples {
    const samples = {
      queryableMs: this.queryableMs,
      deliveredMs: this.deliveredMs,
      queryMs: this.queryMs,
      engineMs: this.engineMs,
      pending: this.sentAt.size,
    };
    this.queryableMs = [];
    this.deliveredMs = [];
    this.queryMs = [];
    this.engineMs = [];
    return samples;
  }

  async stop(): Promise<void> {
    this.polling = false;
    await this.poller;
    await this.subscriber.endAsync();
  }

  private async poll(): Promise<void> {
    const things = this.probeThings.map((name) => `'${name}'`).join(', ');
    while (this.polling) {
      const startedAt = epochMs();
      if (this.sentAt.size > 0) {
        // Rows arrive no earlier than their message was sent: the oldest pending send bounds the scan.
        let since = Number.POSITIVE_INFINITY;
        for (const sentAt of this.sentAt.values()) since = Math.min(since, sentAt - 1_000);
        const { rows, elapsedMs } = await this.platform.timedQuery<{
          thing_name: string;
          message_id: string;
        }>(
          `SELECT thing_name, message_id FROM telemetry ` +
            // received_at compared as a timestamp, so the scan skips files and row groups older than that.
            `WHERE thing_name IN (${things}) AND received_at >= epoch_ms(${Math.floor(since)})`,
        );
        const answeredAt = epochMs();
        this.queryMs.push(answeredAt - startedAt);
        this.engineMs.push(elapsedMs);
        for (const row of rows) {
          const key = `${row.thing_name}/${row.message_id}`;
          const sentAt = this.sentAt.get(key);
          if (sentAt === undefined) continue;
          this.queryableMs.push(answeredAt - sentAt);
          this.sentAt.delete(key);
        }
      }
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, pollEveryMs - (epochMs() - startedAt))));
    }
  }
}
