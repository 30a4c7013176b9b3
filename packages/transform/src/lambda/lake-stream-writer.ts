// Puts lake rows on the Kinesis stream of their table (Store delivers each stream into its lake table).
// Reports which rows failed so the handler can fail the stream records they came from.
import { KinesisClient, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { silentLogger, type Logger, type StreamedLakeTableName } from '@tributary/contracts';
import type { TransformResult } from '../core/index.js';

export interface LakeRowToPut {
  readonly table: StreamedLakeTableName;
  readonly row: Record<string, unknown>;
  /** Keeps a thing's rows in order on one shard. */
  readonly partitionKey: string;
}

/** A transform result's rows, each headed for its table's stream. */
export function lakeRowsOf(result: TransformResult): LakeRowToPut[] {
  const tables: [StreamedLakeTableName, readonly Record<string, unknown>[]][] = [
    ['telemetry', result.readings],
    ['anomalies', result.anomalies],
    ['quarantine', result.quarantined],
  ];
  return tables.flatMap(([table, rows]) =>
    rows.map((row) => ({ table, row, partitionKey: String(row['thing_name'] ?? row['correlation_id']) })),
  );
}

/** PutRecords takes at most 500 records per call. */
const maxRecordsPerPut = 500;

export class LakeStreamWriter {
  constructor(
    private readonly streamArns: Readonly<Record<StreamedLakeTableName, string>>,
    private readonly client: KinesisClient = new KinesisClient({}),
    private readonly logger: Logger = silentLogger,
  ) {}

  /** Puts every row; returns the indices (into `rows`) of those Kinesis did not accept. */
  async put(rows: readonly LakeRowToPut[]): Promise<number[]> {
    const failed: number[] = [];
    const indicesByTable = new Map<StreamedLakeTableName, number[]>();
    rows.forEach((row, index) =>
      indicesByTable.set(row.table, [...(indicesByTable.get(row.table) ?? []), index]),
    );
    for (const [table, indices] of indicesByTable) {
      for (let start = 0; start < indices.length; start += maxRecordsPerPut) {
        const chunk = indices.slice(start, start + maxRecordsPerPut);
        const response = await this.putRecords(
          table,
          chunk.map((index) => rows[index]!),
        );
        if (!response) {
          failed.push(...chunk);
          continue;
        }
        response.Records?.forEach((result, position) => {
          if (result.ErrorCode) failed.push(chunk[position]!);
        });
        if (response.FailedRecordCount) {
          this.logger.warn('Kinesis refused some lake rows; their stream records will be retried', {
            table,
            refused: response.FailedRecordCount,
            of: chunk.length,
            firstError: response.Records?.find((r) => r.ErrorCode)?.ErrorCode,
          });
        }
      }
    }
    return failed.sort((a, b) => a - b);
  }

  /** The PutRecords answer, or undefined when the call failed as a whole (every record is then failed). */
  private async putRecords(table: StreamedLakeTableName, rows: readonly LakeRowToPut[]) {
    try {
      return await this.client.send(
        new PutRecordsCommand({
          StreamARN: this.streamArns[table],
          Records: rows.map((row) => ({
            Data: Buffer.from(`${JSON.stringify(row.row)}\n`),
            PartitionKey: row.partitionKey,
          })),
        }),
      );
    } catch (error) {
      this.logger.error('PutRecords failed; the batch will be retried', { table, rows: rows.length, error });
      return undefined;
    }
  }
}
