// Puts raised and cleared anomaly events on the stage's EventBridge bus, where AnomalyDetectionStack's rule
// sends raised ones to the alarm topic. Entries EventBridge refuses are retried a bounded number of times,
// then reported, so the handler fails the stream record they came from and Lambda retries it.
// https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEvents.html
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { silentLogger, type AnomalyEvent, type Logger } from '@tributary/contracts';
import { anomalyDetailTypes, anomalyEventSource } from './anomaly-event-names.js';

/** PutEvents takes at most 10 entries per call (an anomaly event is far below its 256 KB limit). */
const maxEntriesPerPut = 10;

export interface AnomalyEventPublisherOptions {
  /** Calls per entry before it is reported as failed. @default 3 */
  readonly maxAttempts?: number;
  /** Wait before the n-th retry is n times this. @default 100 */
  readonly backoffMs?: number;
  /** @default silentLogger */
  readonly logger?: Logger;
}

export class AnomalyEventPublisher {
  private readonly maxAttempts: number;
  private readonly backoffMs: number;
  private readonly logger: Logger;

  constructor(
    private readonly eventBusName: string,
    private readonly client: EventBridgeClient = new EventBridgeClient({}),
    options: AnomalyEventPublisherOptions = {},
  ) {
    this.maxAttempts = options.maxAttempts ?? 3;
    this.backoffMs = options.backoffMs ?? 100;
    this.logger = options.logger ?? silentLogger;
  }

  /** Puts every event; returns the indices (into `events`) of those still refused after the last attempt. */
  async publish(events: readonly AnomalyEvent[]): Promise<number[]> {
    let pending = events.map((_, index) => index);
    for (let attempt = 1; attempt <= this.maxAttempts && pending.length > 0; attempt++) {
      if (attempt > 1) await new Promise((resolve) => setTimeout(resolve, this.backoffMs * (attempt - 1)));
      const refused: number[] = [];
      for (let start = 0; start < pending.length; start += maxEntriesPerPut) {
        const chunk = pending.slice(start, start + maxEntriesPerPut);
        refused.push(
          ...(await this.put(
            chunk.map((index) => events[index]!),
            chunk,
          )),
        );
      }
      pending = refused;
    }
    if (pending.length > 0) {
      this.logger.error(
        'EventBridge refused anomaly events after every attempt; their records will be retried',
        {
          refused: pending.length,
          of: events.length,
          attempts: this.maxAttempts,
        },
      );
    }
    return pending.sort((a, b) => a - b);
  }

  /** Puts one chunk; returns the indices EventBridge refused (all of them when the call itself failed). */
  private async put(chunk: readonly AnomalyEvent[], indices: readonly number[]): Promise<number[]> {
    try {
      const response = await this.client.send(
        new PutEventsCommand({ Entries: chunk.map((event) => this.entryOf(event)) }),
      );
      if (!response.FailedEntryCount) return [];
      // Result entries are in request order; a refused one carries an ErrorCode.
      const refused = indices.filter((_, position) => response.Entries?.[position]?.ErrorCode);
      if (refused.length === 0) return [...indices]; // a count without entries to match: retry them all
      this.logger.warn('EventBridge refused some anomaly events; retrying them', {
        refused: response.FailedEntryCount,
        of: chunk.length,
        firstError: response.Entries?.find((entry) => entry.ErrorCode)?.ErrorCode,
      });
      return refused;
    } catch (error) {
      this.logger.warn('PutEvents failed; retrying its entries', { entries: chunk.length, error });
      return [...indices];
    }
  }

  private entryOf(event: AnomalyEvent): PutEventsRequestEntry {
    return {
      EventBusName: this.eventBusName,
      Source: anomalyEventSource,
      DetailType: anomalyDetailTypes[event.state],
      Detail: JSON.stringify(event),
    };
  }
}
