// The local platform's configuration, in one place, validated at start-up; defaults work on a laptop.
import { resolve } from 'node:path';
import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65_535);

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
