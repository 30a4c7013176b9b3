// The lake tables IoT Core fills itself: shadow_history (device-shadow-mqtt.html, /update/documents) and
// lifecycle_events (life-cycle-events.html), their catalogue, their rules' SQL and their idempotency keys.
import { describe, expect, it } from 'vitest';
import {
  catalogTableOf,
  columnsOf,
  defaultLakeRetentionDays,
  lakeDeliveryRules,
  lakeRowOfRuleOutput,
  lifecycleEventKey,
  partitionPathFor,
  RuleOutputMismatchError,
  ruleFedLakeTables,
  shadowHistoryKey,
  type RuleFedLakeTableName,
} from '../src/index.js';

const receivedAt = Date.UTC(2026, 11, 4, 8, 30);

describe('the shadow_history and lifecycle_events tables', () => {
  it('are catalogued with Glue types from their zod contracts, nullable columns marked', () => {
    const shadows = catalogTableOf('shadow_history', 's3://lake-bucket').storageDescriptor.columns;
    expect(shadows).toContainEqual({ name: 'version', type: 'bigint' });
    expect(shadows).toContainEqual({ name: 'shadow_name', type: 'string', comment: 'nullable' });
    expect(shadows).toContainEqual({ name: 'reported', type: 'string', comment: 'nullable' });
    expect(shadows).toContainEqual({ name: 'updated_at', type: 'timestamp' });
    const events = catalogTableOf('lifecycle_events', 's3://lake-bucket').storageDescriptor.columns;
    expect(events).toContainEqual({ name: 'event_type', type: 'string' });
    expect(events).toContainEqual({ name: 'version_number', type: 'bigint', comment: 'nullable' });
    expect(events).toContainEqual({
      name: 'client_initiated_disconnect',
      type: 'boolean',
      comment: 'nullable',
    });
    expect(events).toContainEqual({ name: 'event_timestamp', type: 'timestamp' });
  });

  it('partition by receive time and keep the time the event carries as its own column', () => {
    for (const table of Object.keys(ruleFedLakeTables) as RuleFedLakeTableName[]) {
      expect(ruleFedLakeTables[table].partitionTime).toBe('received_at');
      expect(partitionPathFor(table, receivedAt)).toBe(`${table}/year=2026/month=12/day=04/hour=08`);
    }
    expect(columnsOf('shadow_history').map((c) => c.name)).toContain('updated_at');
    expect(columnsOf('lifecycle_events').map((c) => c.name)).toContain('event_timestamp');
  });

  it('have a retention of their own', () => {
    expect(defaultLakeRetentionDays.shadow_history).toBe(365);
    expect(defaultLakeRetentionDays.lifecycle_events).toBe(90);
  });
});

describe('the topic rules that fill them', () => {
  it.each(lakeDeliveryRules)(
    '$name selects exactly the columns of $table, received_at from timestamp()',
    (rule) => {
      const selected = [...rule.sql.matchAll(/ AS (\w+)(?=, | FROM )/g)].map((match) => match[1]);
      expect(selected.sort()).toEqual(
        columnsOf(rule.table)
          .map((c) => c.name)
          .sort(),
      );
      expect(rule.sql).toContain('timestamp() AS received_at');
    },
  );

  it('listen on the topics AWS publishes shadow updates and lifecycle events on', () => {
    expect(lakeDeliveryRules.map((rule) => rule.sql.slice(rule.sql.lastIndexOf(' FROM ')))).toEqual([
      " FROM '$aws/things/+/shadow/update/documents'",
      " FROM '$aws/things/+/shadow/name/+/update/documents'",
      " FROM '$aws/events/presence/+/+'",
      " FROM '$aws/events/subscriptions/+/+'",
    ]);
  });

  it('turn a rule output into a row, what IoT SQL left out (Undefined) becoming NULL as in Firehose', () => {
    // The SELECT output for AWS's documented connect message (life-cycle-events.html).
    const row = lakeRowOfRuleOutput('lifecycle_events', {
      event_type: 'connected',
      client_id: '186b5',
      thing_name: 'exampleThing',
      event_timestamp: 1573002230757,
      session_identifier: '00000000-0000-0000-0000-000000000000',
      principal_identifier: '12345678901234567890123456789012',
      ip_address: '192.0.2.0',
      version_number: 0,
      received_at: receivedAt,
    });
    expect(row).toMatchObject({ client_id: '186b5', version_number: 0, ip_address: '192.0.2.0' });
    expect(row.disconnect_reason).toBeNull();
    expect(row.topics).toBeNull();
  });

  it('refuse an output that is not a row of the table, naming the field', () => {
    const notARow = () =>
      lakeRowOfRuleOutput('shadow_history', {
        thing_name: 'pump-7',
        version: 'two',
        updated_at: receivedAt,
        received_at: receivedAt,
      });
    expect(notARow).toThrow(RuleOutputMismatchError);
    expect(notARow).toThrow(/field "version"/);
  });
});

describe('the idempotency keys', () => {
  it('name a shadow update by thing, shadow and version; the classic shadow is not a named one', () => {
    const classic = { thing_name: 'pump-7', shadow_name: null, version: 4 };
    expect(shadowHistoryKey(classic)).toBe(shadowHistoryKey({ ...classic }));
    expect(shadowHistoryKey(classic)).not.toBe(shadowHistoryKey({ ...classic, shadow_name: 'config' }));
    expect(shadowHistoryKey(classic)).not.toBe(shadowHistoryKey({ ...classic, version: 5 }));
  });

  it('name a lifecycle event the same whether it was just received or read back from Parquet', () => {
    const event = {
      client_id: 'pump-7',
      session_identifier: 's-1',
      event_type: 'subscribed' as const,
      event_timestamp: 1573002230757,
      topics: '["a/b"]',
    };
    // DuckDB hands a TIMESTAMP_MS back as a Date.
    const readBack = { ...event, event_timestamp: new Date(1573002230757) as unknown as number };
    expect(lifecycleEventKey(readBack)).toBe(lifecycleEventKey(event));
    expect(lifecycleEventKey({ ...event, topics: '["c/d"]' })).not.toBe(lifecycleEventKey(event));
    expect(lifecycleEventKey({ ...event, event_type: 'unsubscribed' })).not.toBe(lifecycleEventKey(event));
  });
});
