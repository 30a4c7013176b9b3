// The options of `tributary simulate` read into settings, or the one message saying which option is wrong
// and what it takes (the command prints it with the usage and exits 2). Pure, so every refusal is testable
// without a platform. A device publishes at most 100 messages a second, AWS IoT Core's per-connection
// limit (https://docs.aws.amazon.com/general/latest/gr/iot-core.html#message-broker-limits), which the
// local broker enforces: a fleet asked for more would be throttled, so it is refused up front.

export interface SimulateCommandOptions {
  readonly dataDir?: string;
  /** @default 10 */
  readonly devices?: string;
  /** Readings a second, fleet-wide. @default one per device */
  readonly rate?: string;
  /** `30s`, `5m`, `1h` or seconds; without it the fleet runs until Ctrl-C. */
  readonly duration?: string;
  /** Readings per message. @default 1 */
  readonly batch?: string;
  /** @default 1 */
  readonly seed?: string;
  /** Where to write the injected anomalies as NAB combined_windows.json. */
  readonly labels?: string;
  /** Unacknowledged QoS 1 messages per device before it is held back. @default 100 */
  readonly maxInFlight?: string;
}

export interface SimulateSettings {
  readonly devices: number;
  readonly rate: number;
  readonly durationMs: number | undefined;
  readonly batchSize: number;
  readonly maxInFlight: number;
  readonly seed: number;
}

/** AWS IoT Core's publish requests per second per connection (not adjustable). */
export const maxPublishesPerSecondPerDevice = 100;

/** The settings the options ask for, or a message naming the first option it cannot take. */
export function simulateSettingsOf(options: SimulateCommandOptions): SimulateSettings | string {
  const devices = wholeNumber(options.devices ?? '10');
  if (devices === undefined) return `--devices needs a whole number of at least 1 (got ${options.devices})`;
  const rate = options.rate === undefined ? devices : decimalNumber(options.rate);
  if (rate === undefined || !(rate > 0)) {
    return `--rate needs readings a second above 0, e.g. 20 or 0.5 (got ${options.rate})`;
  }
  const batchSize = wholeNumber(options.batch ?? '1');
  if (batchSize === undefined) return `--batch needs a whole number of at least 1 (got ${options.batch})`;
  const maxInFlight = wholeNumber(options.maxInFlight ?? '100');
  if (maxInFlight === undefined) {
    return `--max-in-flight needs a whole number of at least 1 (got ${options.maxInFlight})`;
  }
  const seed = wholeNumber(options.seed ?? '1', 0);
  if (seed === undefined) return `--seed needs a whole number of at least 0 (got ${options.seed})`;
  const durationMs = options.duration === undefined ? undefined : durationMsOf(options.duration);
  if (durationMs === null) return `--duration takes 30s, 5m, 1h or seconds (got ${options.duration})`;
  const publishesPerDevice = rate / devices / batchSize;
  if (publishesPerDevice > maxPublishesPerSecondPerDevice) {
    return (
      `--rate ${rate} over ${devices} device(s) is ${round(publishesPerDevice)} messages a second per device; ` +
      `AWS IoT Core allows ${maxPublishesPerSecondPerDevice} per connection: add --devices or --batch`
    );
  }
  return { devices, rate, batchSize, maxInFlight, seed, durationMs };
}

/** `30s`, `5m`, `1h` or a number of seconds, in ms; null when it is none of them or not above 0. */
export function durationMsOf(text: string): number | null {
  const match = /^(\d+(?:\.\d+)?)(s|m|h)?$/.exec(text.trim());
  if (!match) return null;
  const unitMs = { s: 1000, m: 60_000, h: 3_600_000 }[(match[2] ?? 's') as 's' | 'm' | 'h'];
  const ms = Number(match[1]) * unitMs;
  return ms > 0 ? ms : null;
}

/** A plain decimal (`20`, `0.5`): not `0x10`, `1e3`, `Infinity` or an empty string, which Number() takes. */
function decimalNumber(text: string): number | undefined {
  return /^\d+(\.\d+)?$/.test(text.trim()) ? Number(text) : undefined;
}

/** Digits only, so `''`, `0x10` and `1e3` are refused rather than read as 0, 16 and 1000. */
function wholeNumber(text: string, min = 1): number | undefined {
  if (!/^\d+$/.test(text.trim())) return undefined;
  const value = Number(text);
  return Number.isSafeInteger(value) && value >= min ? value : undefined;
}

const round = (value: number): number => Math.round(value * 10) / 10;
