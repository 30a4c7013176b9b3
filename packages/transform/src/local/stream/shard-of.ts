// Which shard a record goes to, the way Kinesis maps a partition key: MD5 of the key as a 128-bit
// integer, in one of `shardCount` equal hash-key ranges. The same device always lands on the same
// shard, which is what keeps its readings in order.
// https://docs.aws.amazon.com/kinesis/latest/APIReference/API_PutRecord.html
import { createHash } from 'node:crypto';
import { thingNameFromTelemetryTopic, type TelemetryEnvelope } from '@tributary/contracts';

/** The thing name, as the CDK topic rule's `partitionKey: '${topic(3)}'`; the client id otherwise. */
export function partitionKeyOf(record: TelemetryEnvelope): string {
  return thingNameFromTelemetryTopic(record.topic) ?? record.clientId;
}

export function shardIndexOf(partitionKey: string, shardCount: number): number {
  const hashKey = BigInt(`0x${createHash('md5').update(partitionKey, 'utf8').digest('hex')}`);
  return Number((hashKey * BigInt(shardCount)) >> 128n);
}

/**
 * shardIndexOf for every record of a stream, remembering the shard of the keys it has seen: a fleet's
 * devices are a bounded set, and an MD5 per record was a measurable share of a put. Past `maxKeys` keys
 * it starts again, so a stream of ever-new keys cannot grow it without bound.
 */
export function memoisedShardIndexOf(
  shardCount: number,
  maxKeys = 100_000,
): (partitionKey: string) => number {
  let shardOfKey = new Map<string, number>();
  return (partitionKey) => {
    let shard = shardOfKey.get(partitionKey);
    if (shard === undefined) {
      shard = shardIndexOf(partitionKey, shardCount);
      if (shardOfKey.size >= maxKeys) shardOfKey = new Map();
      shardOfKey.set(partitionKey, shard);
    }
    return shard;
  };
}
