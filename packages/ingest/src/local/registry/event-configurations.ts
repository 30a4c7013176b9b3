// UpdateEventConfigurations and DescribeEventConfigurations: which IoT event types are on, kept in the
// registry database so they survive a restart. Every type is off until enabled, as on AWS
// (https://docs.aws.amazon.com/iot/latest/developerguide/iot-events.html#iot-events-enable).
import {
  iotEventTypes,
  registryEventTypes,
  type IotEventType,
  type RegistryEventType,
} from '../../core/registry-events.js';
import type { RegistryDatabase } from './database.js';
import { InvalidRequestError } from './errors.js';

/** DescribeEventConfigurations' answer; the dates are null until something was configured. */
export interface EventConfigurations {
  readonly eventConfigurations: Readonly<Record<IotEventType, { readonly Enabled: boolean }>>;
  readonly creationDate: Date | null;
  readonly lastModifiedDate: Date | null;
}

/** UpdateEventConfigurations' input: the types to switch, the others stay as they are. */
export type EventConfigurationUpdate = Partial<Record<IotEventType, { readonly Enabled?: boolean }>>;

const publishedLocally: ReadonlySet<IotEventType> = new Set(registryEventTypes);

export class EventConfigurationStore {
  private constructor(
    private readonly db: RegistryDatabase,
    private readonly clock: () => number,
    /** A copy of the table, so each registry change is checked without a query. */
    private readonly enabled: Set<IotEventType>,
  ) {}

  static async open(db: RegistryDatabase, clock: () => number): Promise<EventConfigurationStore> {
    const rows = await db.rows('SELECT event_type FROM event_configurations WHERE enabled');
    return new EventConfigurationStore(
      db,
      clock,
      new Set(rows.map((row) => row['event_type'] as IotEventType)),
    );
  }

  isEnabled(eventType: RegistryEventType): boolean {
    return this.enabled.has(eventType);
  }

  async describe(): Promise<EventConfigurations> {
    const [dates] = await this.db.rows(
      'SELECT min(creation_date) AS created, max(last_modified_date) AS modified FROM event_configurations',
    );
    const dateOf = (value: unknown) =>
      value === null || value === undefined ? null : new Date(Number(value));
    return {
      eventConfigurations: Object.fromEntries(
        iotEventTypes.map((type) => [type, { Enabled: this.enabled.has(type) }]),
      ) as Record<IotEventType, { Enabled: boolean }>,
      creationDate: dateOf(dates?.['created']),
      lastModifiedDate: dateOf(dates?.['modified']),
    };
  }

  /** Switches the types named; a type the local IoT Core has no events for may be disabled, not enabled. */
  async update(update: EventConfigurationUpdate): Promise<void> {
    const switches = Object.entries(update).flatMap(([type, configuration]) =>
      configuration?.Enabled === undefined ? [] : [[type as IotEventType, configuration.Enabled] as const],
    );
    for (const [type, enabled] of switches) {
      if (enabled && !publishedLocally.has(type)) {
        throw new InvalidRequestError(
          `The local IoT Core publishes no ${type} events (only ${registryEventTypes.join(', ')}): ` +
            `leave ${type} out or set Enabled to false`,
        );
      }
    }
    const now = this.clock();
    await this.db.transaction(async () => {
      for (const [type, enabled] of switches) {
        await this.db.run(
          `INSERT INTO event_configurations (event_type, enabled, creation_date, last_modified_date)
           VALUES ($1, $2, $3, $3)
           ON CONFLICT (event_type) DO UPDATE SET enabled = excluded.enabled,
             last_modified_date = excluded.last_modified_date`,
          [type, enabled, now],
        );
      }
    });
    for (const [type, enabled] of switches) {
      if (enabled) this.enabled.add(type);
      else this.enabled.delete(type);
    }
  }
}
