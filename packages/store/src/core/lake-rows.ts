// Rows of the lake's tables: their types, validation against the contract, and the idempotency key
// that makes a row appear once however often it is delivered (DESIGN.md §4).
import {
  allLakeTables,
  exactRowCheckOf,
  lifecycleEventKey,
  partitionPathFor,
  readingKey,
  shadowHistoryKey,
  type AnomalyEvent,
  type AnyLakeTableName,
  type LakeTableName,
  type QuarantineRecord,
} from '@tributary/contracts';
import { fingerprintOf, fingerprintOfJoined } from './key-fingerprints.js';
import { LakeWriterError } from './lake-writer-error.js';

/** The row type of a lake table, as its zod schema outputs it. */
export type LakeRow<T extends AnyLakeTableName> = ReturnType<(typeof allLakeTables)[T]['row']['parse']>;
export type AnyLakeRow = LakeRow<AnyLakeTableName>;

/** Every table the lake holds: the delivered ones, then the rollups derived from telemetry. */
export const lakeTableNames = Object.keys(allLakeTables) as AnyLakeTableName[];

interface RowKey<T extends LakeTableName> {
  /** The columns the key is made of, so a writer can read keys back from files already written. */
  readonly columns: readonly (keyof LakeRow<T> & string)[];
  readonly keyOf: (row: LakeRow<T>) => string;
  /** `fingerprintOf(keyOf(row))`, without building the key where that is worth it (every reading has one). */
  readonly fingerprintOf?: (row: LakeRow<T>) => number;
}

const rowKeys: { [T in LakeTableName]: RowKey<T> } = {
  telemetry: {
    columns: ['thing_name', 'message_id', 'metric'],
    keyOf: readingKey,
    // readingKey's parts and separator.
    fingerprintOf: (reading) =>
      fingerprintOfJoined([reading.thing_name, reading.message_id, reading.metric], '/'),
  },
  anomalies: { columns: ['event_id'], keyOf: (event: AnomalyEvent) => event.event_id },
  quarantine: { columns: ['correlation_id'], keyOf: (record: QuarantineRecord) => record.correlation_id },
  shadow_history: { columns: ['thing_name', 'shadow_name', 'version'], keyOf: shadowHistoryKey },
  lifecycle_events: {
    columns: ['client_id', 'session_identifier', 'event_type', 'event_timestamp', 'topics'],
    keyOf: lifecycleEventKey,
  },
};

export const keyColumnsOf = (table: LakeTableName): readonly string[] => rowKeys[table].columns;

export const rowKeyOf = <T extends LakeTableName>(table: T, row: LakeRow<T>): string =>
  (rowKeys[table].keyOf as (row: LakeRow<T>) => string)(row);

/** The fingerprint of the row's idempotency key: `fingerprintOf(rowKeyOf(table, row))`. */
export const rowFingerprintOf = <T extends LakeTableName>(table: T, row: LakeRow<T>): number => {
  const fingerprintOfRow = rowKeys[table].fingerprintOf as ((row: LakeRow<T>) => number) | undefined;
  return fingerprintOfRow ? fingerprintOfRow(row) : fingerprintOf(rowKeyOf(table, row));
};

// Four-digit years only: a far-future epoch would otherwise become `year=+275760`.
const partitionPathPattern = /^[a-z0-9_]+\/year=\d{4}\/month=\d{2}\/day=\d{2}\/hour=\d{2}$/;

const hourMs = 3_600_000;
/** The partition each table's rows went to last: rows arrive in receive-time order, so most share it. */
const lastPartitionOf = new Map<AnyLakeTableName, { readonly hour: number; readonly path: string }>();

/** `telemetry/year=2026/month=11/day=25/hour=05`, from the row's receive time — never from its content. */
export function partitionPathOfRow<T extends AnyLakeTableName>(table: T, row: LakeRow<T>): string {
  const partitionTime = allLakeTables[table].partitionTime;
  const epochMillis = (row as Record<string, unknown>)[partitionTime] as number;
  const hour = Math.floor(epochMillis / hourMs);
  const last = lastPartitionOf.get(table);
  if (last?.hour === hour) return last.path;
  const path = partitionPathFor(table, epochMillis);
  if (!partitionPathPattern.test(path)) {
    throw new LakeWriterError(
      'INVALID_ROW',
      `Lake table "${table}": ${partitionTime} ${epochMillis} is outside years 0000-9999 and has no partition`,
    );
  }
  lastPartitionOf.set(table, { hour, path });
  return path;
}

/** Per table, the cheap check a row that needs no zod parse passes (see exactRowCheckOf). */
const exactRowChecks = Object.fromEntries(
  lakeTableNames.map((table) => [table, exactRowCheckOf(allLakeTables[table].row)]),
) as Record<AnyLakeTableName, (row: unknown) => boolean>;

/**
 * Checks rows against their table's zod schema and partition scheme. A failure is a bug upstream
 * (Transform validates input), so it throws rather than quarantining. A row with exactly the contract's
 * fields is checked without zod and kept as it is; any other goes through zod, which copies it.
 */
export function validateLakeRows<T extends AnyLakeTableName>(
  table: T,
  rows: readonly unknown[],
): LakeRow<T>[] {
  const schema = allLakeTables[table].row;
  const isExactRow = exactRowChecks[table];
  return rows.map((row, index) => {
    if (isExactRow(row)) {
      partitionPathOfRow(table, row as LakeRow<T>);
      return row as LakeRow<T>;
    }
    const parsed = schema.safeParse(row);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue?.path.join('.') || '(row)';
      throw new LakeWriterError(
        'INVALID_ROW',
        `Row ${index} for lake table "${table}" is invalid at field "${field}": ${issue?.message ?? 'unknown'}. ` +
          `Rows must match the ${table} contract in @tributary/contracts.`,
      );
    }
    const valid = parsed.data as LakeRow<T>;
    partitionPathOfRow(table, valid);
    return valid;
  });
}
