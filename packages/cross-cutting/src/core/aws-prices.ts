// Every AWS price the cost model uses, as data, each with its source: one place to correct them.
// From ../shared/reference/aws-quotas-and-prices.md (us-east-1 unless noted), which says which rows are
// secondary sources to re-check against the live pricing pages.

export interface Price {
  readonly usd: number;
  /** What one `usd` buys. */
  readonly per: string;
  readonly source: string;
}

export const pricesAsOf = '2026-11 (reference table in shared/reference/aws-quotas-and-prices.md)';

export const awsPrices = {
  iotConnectionMinutes: {
    usd: 0.08,
    per: '1M connection-minutes',
    source: 'aws.amazon.com/iot-core/pricing worked example',
  },
  iotMessages: {
    usd: 1.0,
    per: '1M messages of 5 KB (first 1B)',
    source: 'aws.amazon.com/iot-core/pricing worked example',
  },
  iotRulesTriggered: { usd: 0.15, per: '1M rules triggered', source: 'secondary; verify' },
  iotActionsExecuted: { usd: 0.15, per: '1M actions executed', source: 'secondary; verify' },
  kinesisShardHour: { usd: 0.015, per: 'provisioned shard-hour', source: 'secondary; verify' },
  kinesisPutPayloadUnits: {
    usd: 0.014,
    per: '1M PUT payload units of 25 KB',
    source: 'secondary (citing the official page)',
  },
  lambdaRequests: { usd: 0.2, per: '1M requests', source: 'secondary (US East)' },
  lambdaArmGbSecond: { usd: 0.0000133334, per: 'GB-second, arm64', source: 'secondary (US East)' },
  firehoseIngestionGb: {
    usd: 0.029,
    per: 'GB ingested, 5 KB rounding per record',
    source: 'secondary; verify',
  },
  firehoseFormatConversionGb: { usd: 0.018, per: 'GB converted to Parquet', source: 'secondary; verify' },
  firehoseDynamicPartitioningGb: {
    usd: 0.02,
    per: 'GB delivered with dynamic partitioning',
    source: 'commonly cited; verify',
  },
  firehoseDynamicPartitioningObjects: {
    usd: 0.005,
    per: '1,000 S3 objects delivered',
    source: 'commonly cited; verify',
  },
  s3StandardGbMonth: { usd: 0.023, per: 'GB-month, first 50 TB', source: 'secondary' },
  s3PutRequests: { usd: 0.005, per: '1,000 PUT requests', source: 'secondary' },
} as const satisfies Record<string, Price>;

export type PriceName = keyof typeof awsPrices;
