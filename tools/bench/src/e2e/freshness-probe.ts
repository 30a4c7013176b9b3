// Publish → queryable, per message: the messages of a few probe devices are remembered when sent, and
// the platform's SQL API is polled for their rows and the Parquet file each is in. A row is queryable from
// the moment its file was renamed into the lake (a file still being written has another name, which no
// query reads); that moment is the file's ctime, which a rename sets. The time to the answer of the
// polling query that first returned the row is reported beside it: it adds the wait for the next poll and
// the query's own run, which on a loaded machine is most of it. The baseline is the same messages reaching
// an MQTT subscriber on the same broker.
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { partitionKeys, partitionValuesFor } from '@tributary/contracts';
import mqtt, { type MqttClient } from 'mqtt';
import { epochMs, telemetryTopicOf } from './device-fleet.js';
import type { PlatformProcess } from './platform-process.js';

export const pollEveryMs = 250;
const hourMs = 3_600_000;
/** AWS IoT Core takes at most 8 topic filters in one SUBSCRIBE. */
const filtersPerSubscribe = 8;

export interface FreshnessSamples {
  /**
   * Publish → its row's file renamed into the lake, confirmed by a query that returned the row, in ms. For
   * a row found only once compaction had merged its file away, the query's answer instead (later, so safe).
   */
  readonly queryableMs: number[];
  /** Of queryableMs, the rows whose file was gone when the query answered. */
  readonly queryableAtAnswer: number;
  /** Publish → answer of the first polling query that returned the row, in ms. */
  readonly answeredMs: number[];
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
  private queryableAtAnswer = 0;
  private answeredMs: number[] = [];
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
      queryableAtAnswer: this.queryableAtAnswer,
      answeredMs: this.answeredMs,
      deliveredMs: this.deliveredMs,
      queryMs: this.queryMs,
      engineMs: this.engineMs,
      pending: this.sentAt.size,
    };
    this.queryableMs = [];
    this.queryableAtAnswer = 0;
    this.answeredMs = [];
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
    const telemetryFiles = join(this.platform.lakeDir, 'telemetry', '**', '*.parquet');
    while (this.polling) {
      const startedAt = epochMs();
      if (this.sentAt.size > 0) {
        // Rows arrive no earlier than their message was sent: the oldest pending send bounds the scan.
        let since = Number.POSITIVE_INFINITY;
        for (const sentAt of this.sentAt.values()) since = Math.min(since, sentAt - 1_000);
        const { rows, elapsedMs } = await this.platform.timedQuery<{
          thing_name: string;
          message_id: string;
          filename: string;
        }>(
          `SELECT thing_name, message_id, filename FROM read_parquet('${telemetryFiles}', filename = true, ` +
            `hive_partitioning = true, hive_types = ${hiveTypes}) ` +
            // The hours' partitions, so that only their files are opened; received_at compared as a
            // timestamp, so that the scan skips row groups older than that.
            `WHERE ${hoursSince(since)} AND thing_name IN (${things}) ` +
            `AND received_at >= epoch_ms(${Math.floor(since)})`,
        );
        const answeredAt = epochMs();
        this.queryMs.push(answeredAt - startedAt);
        this.engineMs.push(elapsedMs);
        const found = rows.flatMap((row) => {
          const key = `${row.thing_name}/${row.message_id}`;
          const sentAt = this.sentAt.get(key);
          if (sentAt === undefined) return [];
          this.sentAt.delete(key);
          return [{ sentAt, filename: row.filename }];
        });
        const renamedAt = await renameTimesOf(new Set(found.map((row) => row.filename)));
        for (const { sentAt, filename } of found) {
          const visibleAt = renamedAt.get(filename);
          if (visibleAt === undefined) this.queryableAtAnswer += 1;
          this.queryableMs.push((visibleAt ?? answeredAt) - sentAt);
          this.answeredMs.push(answeredAt - sentAt);
        }
      }
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, pollEveryMs - (epochMs() - startedAt))));
    }
  }
}

const hiveTypes = `{${partitionKeys.map((key) => `'${key}': VARCHAR`).join(', ')}}`;

/** A filter on the partition columns for the hours from `since` to now: a query as a user would prune it. */
function hoursSince(since: number): string {
  const hours: string[] = [];
  for (let hour = Math.floor(since / hourMs) * hourMs; hour <= epochMs(); hour += hourMs) {
    const values = partitionValuesFor(hour);
    hours.push(`(${partitionKeys.map((key) => `${key} = '${values[key]}'`).join(' AND ')})`);
  }
  return `(${hours.join(' OR ')})`;
}

/** When each file still in the lake was renamed into it (its ctime: a lake file is never changed after). */
async function renameTimesOf(files: ReadonlySet<string>): Promise<Map<string, number>> {
  const times = new Map<string, number>();
  for (const file of files) {
    const ctimeMs = await stat(file).then(
      (stats) => stats.ctimeMs,
      () => undefined,
    );
    if (ctimeMs !== undefined) times.set(file, ctimeMs);
  }
  return times;
}
