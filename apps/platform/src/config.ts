// The local platform's configuration, in one place, validated at start-up; defaults work on a laptop.
import { resolve } from 'node:path';
import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65_535);

const byteUnits: Record<string, number> = {
  '': 1,
  B: 1,
  KB: 1024,
  MB: 1024 ** 2,
  GB: 1024 ** 3,
  TB: 1024 ** 4,
};
/** Bytes, as a number or with a unit: `10GB`, `500 MB` (units of 1,024, as Athena's cutoff). */
const byteSize = z.union([z.number(), z.string()]).transform((value, context) => {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([KMGT]?B)?\s*$/i.exec(String(value));
  const bytes = match ? Number(match[1]) * (byteUnits[(match[2] ?? '').toUpperCase()] ?? NaN) : NaN;
  if (!Number.isFinite(bytes) || bytes < 1) {
    context.addIssue({ code: 'custom', message: `"${value}" is not a size in bytes (e.g. 10GB, 500MB)` });
    return z.NEVER;
  }
  return Math.floor(bytes);
});

export const PlatformConfig = z.object({
  /** Everything the platform keeps: the lake, the registry, logs. */
  dataDir: z.string().min(1).default('.tributary'),
  host: z.string().default('127.0.0.1'),
  /** The plain MQTT development listener (no certificate, no policies); 'off' turns it off. */
  mqttPort: z.union([z.literal('off'), port]).default(1883),
  /** MQTT over mutual TLS, with IoT policies: what devices meet on AWS IoT Core. */
  mqttsPort: port.default(8883),
  /** The IoT control plane (registry, certificates, policies) and Device Shadow REST API. */
  iotPort: port.default(8081),
  httpPort: port.default(8080),
  /** Simulated devices; 0 runs none. */
  devices: z.coerce.number().int().min(0).max(10_000).default(5),
  intervalMs: z.coerce.number().int().min(10).default(1000),
  logLevel: z.enum(['debug', 'info', 'warn', 'error']).default('warn'),
  /** The most a SQL query may scan (Parquet footers and column chunks), like an Athena workgroup's cutoff. */
  scanLimit: byteSize.default(10 * 1024 ** 3),
  /**
   * The most idempotency keys the lake writer holds in memory to drop redelivered readings (about 5 bytes
   * each); a partition whose keys do not fit is checked against its Parquet files instead, which is slower.
   */
  rememberedKeys: z.coerce.number().int().min(0).default(8_000_000),
  /** The broker's behaviour: AWS IoT Core's (DESIGN.md §5: the default), or MQTT 3.1.1 as the spec has it. */
  mqttProfile: z.enum(['aws', 'mqtt-3.1.1']).default('aws'),
});
export type PlatformConfig = z.infer<typeof PlatformConfig>;

export class ConfigError extends Error {
  readonly code = 'INVALID_CONFIG';
}

export function parseConfig(input: Record<string, unknown>): PlatformConfig {
  const parsed = PlatformConfig.safeParse(input);
  if (!parsed.success) {
    throw new ConfigError(`Invalid option: ${z.prettifyError(parsed.error).replaceAll('\n', ' ')}`);
  }
  return { ...parsed.data, dataDir: resolve(parsed.data.dataDir) };
}

export const lakeDirOf = (config: Pick<PlatformConfig, 'dataDir'>): string => resolve(config.dataDir, 'lake');
export const registryPathOf = (config: Pick<PlatformConfig, 'dataDir'>): string =>
  resolve(config.dataDir, 'registry.duckdb');
/** The IoT Core emulation's CA, certificates, policies, shadows and broker sessions. */
export const iotCoreDirOf = (config: Pick<PlatformConfig, 'dataDir'>): string =>
  resolve(config.dataDir, 'iot');
/** The simulated devices' certificates and keys. */
export const devicesDirOf = (config: Pick<PlatformConfig, 'dataDir'>): string =>
  resolve(config.dataDir, 'devices');
export const streamDirOf = (config: Pick<PlatformConfig, 'dataDir'>): string =>
  resolve(config.dataDir, 'stream');
/** The anomaly detectors' learning per series, kept across restarts. */
export const detectorStatePathOf = (config: Pick<PlatformConfig, 'dataDir'>): string =>
  resolve(config.dataDir, 'transform', 'detector-states.json');
/** The platform's log lines (JSON), which `tributary trace` searches. */
export const logFileOf = (config: Pick<PlatformConfig, 'dataDir'>): string =>
  resolve(config.dataDir, 'logs', 'tributary.jsonl');
/** Where a running platform says where it listens, for the CLI's other commands. */
export const endpointsFileOf = (config: Pick<PlatformConfig, 'dataDir'>): string =>
  resolve(config.dataDir, 'endpoints.json');

/** The region and account local resource ARNs name (the account is LocalStack's well-known dummy). */
export const localAwsLocation = { region: 'us-east-1', account: '000000000000' } as const;
