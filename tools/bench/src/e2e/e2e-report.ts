// What `pnpm bench e2e` found, held against the targets, and the lines it prints: each result
// next to its baseline from the same run, its ratio, its target and whether it was met.
import { percentile } from '../measure.js';
import { pollEveryMs, type FreshnessSamples } from './freshness-probe.js';
import { maxFlatGrowth, type MemoryTrend } from './memory-trend.js';
import type { RateWindow } from './rate-window.js';
import { readingsPerBatch } from './telemetry-payloads.js';

export const targets = {
  /** Platform msg/s over bare aedes pub→sub msg/s, same clients. */
  messageRateRatio: 0.8,
  /** Readings a second visible in SQL, batched payloads. */
  readingsPerSecond: 1_000_000,
  /** Publish → queryable at half the maximum message rate. */
  freshnessP99Ms: 1_000,
  /** How long a run must be for its memory trend to say the memory is bounded. */
  soakMinutes: 10,
} as const;

export interface E2eResults {
  readonly devices: number;
  readonly maxInFlightPerDevice: number;
  readonly onboardingMs: number;
  /** One reading per message, every device at the quota; the median of `rounds` windows each. */
  readonly rates: {
    readonly platform: RateWindow;
    readonly bare: RateWindow;
    readonly rounds: number;
    /** What the fleet offers the platform at the quota: a platform that takes nearly all of it was held back by the offer. */
    readonly offeredPerSecond: number;
  };
  /** The message rate the freshness run offered: half the platform's acknowledged rate. */
  readonly halfRate: number;
  readonly freshness: FreshnessSamples;
  readonly batched: {
    /** deliveredPerSecond: rows visible in SQL a second. */
    readonly platform: RateWindow;
    /** deliveredPerSecond: readings delivered to the subscriber a second. */
    readonly bare: RateWindow;
    readonly offeredPerSecond: number;
    /** Records acknowledged but not in the lake when the window ended. */
    readonly backlogRecords: number;
  };
  /** The platform process's high-water mark (VmHWM) over the whole run. */
  readonly peakRssBytes: number;
  /** The half-rate run's memory; judged only when a run length was asked for. */
  readonly soak: { readonly minutes: number; readonly judged: boolean; readonly trend: MemoryTrend };
}

export interface Verdicts {
  readonly messageRate: boolean;
  readonly readingsPerSecond: boolean;
  readonly freshness: boolean;
  /** Undefined when the run was too short to say. */
  readonly memoryBounded: boolean | undefined;
}

/**
 * What a broker sustained in a window: messages both acknowledged and come out at the far end. A platform can
 * acknowledge faster than its lake takes the rows for a while, by filling its stream's backlog.
 */
const sustainedPerSecond = (window: RateWindow): number =>
  Math.min(window.acknowledgedPerSecond, window.deliveredPerSecond);

export function verdictsOf(results: E2eResults): Verdicts {
  const { rates, batched, freshness, soak } = results;
  return {
    messageRate:
      sustainedPerSecond(rates.platform) >= targets.messageRateRatio * sustainedPerSecond(rates.bare),
    readingsPerSecond: batched.platform.deliveredPerSecond >= targets.readingsPerSecond,
    freshness:
      freshness.queryableMs.length > 0 && percentile(freshness.queryableMs, 99) <= targets.freshnessP99Ms,
    memoryBounded: soak.judged ? soak.trend.flat : undefined,
  };
}

export const allMet = (verdicts: Verdicts): boolean =>
  verdicts.messageRate &&
  verdicts.readingsPerSecond &&
  verdicts.freshness &&
  verdicts.memoryBounded !== false;

const perSecond = (value: number, unit: string) => `${Math.round(value).toLocaleString('en')} ${unit}/s`;
const ms = (value: number) => `${Math.round(value).toLocaleString('en')} ms`;
const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024).toLocaleString('en')} MB`;
const verdict = (met: boolean) => (met ? 'ok' : 'MISSED');
const micros = (value: number, digits = 0) => `${value.toFixed(digits)} µs`;

/**
 * The CPU a platform message could take at the target ratio: bare aedes's window used (broker + devices) µs a
 * message at its rate; the same CPU a second spread over target × that rate, less the platform's devices'
 * share. Below zero, the target needs more CPU than the machine gave bare aedes.
 */
export function platformBudgetMicros(rates: E2eResults['rates']): number {
  const bare = rates.bare.cpuMicrosPerMessage;
  return (bare.broker + bare.devices) / targets.messageRateRatio - rates.platform.cpuMicrosPerMessage.devices;
}

export function reportOf(results: E2eResults): string {
  const { rates, batched, freshness, soak } = results;
  const verdicts = verdictsOf(results);
  const messageRatio = sustainedPerSecond(rates.platform) / sustainedPerSecond(rates.bare);
  const readingsRatio = batched.platform.deliveredPerSecond / batched.bare.deliveredPerSecond;
  const p = (samples: readonly number[], q: number) => (samples.length > 0 ? percentile(samples, q) : NaN);
  const queryableP99 = p(freshness.queryableMs, 99);
  const deliveredP99 = p(freshness.deliveredMs, 99);
  const { trend } = soak;
  return [
    `e2e: tributary start (its own process, fresh data directory, no devices of its own) and ${results.devices} devices ` +
      `onboarded through its IoT API in ${(results.onboardingMs / 1000).toFixed(1)} s, each over mutual TLS as its own thing, ` +
      `QoS 1, at most 90 msg/s (under the 100/s per-connection quota) and ${results.maxInFlightPerDevice} in flight each`,
    `  baseline: bare aedes on plain TCP handing every message to a subscriber in its process, the same clients, same run; ` +
      'it has no per-connection quota, so each device sends to it as fast as its in-flight cap allows (its ceiling)',
    `  msg/s, one reading per message (median of ${rates.rounds} alternating 4 s windows):`,
    `    platform ${perSecond(rates.platform.acknowledgedPerSecond, 'msg')} acknowledged, ` +
      `${perSecond(rates.platform.deliveredPerSecond, 'row')} into SQL; the lesser of each = ${messageRatio.toFixed(2)}× bare aedes pub→sub ` +
      `(${perSecond(rates.bare.acknowledgedPerSecond, 'msg')} acknowledged, ${perSecond(rates.bare.deliveredPerSecond, 'msg')} delivered)` +
      `  target ≥ ${targets.messageRateRatio.toFixed(2)}×  ${verdict(verdicts.messageRate)}`,
    `    publish → PUBACK in those windows: platform p50 ${ms(rates.platform.acknowledgeMs.p50)}, ` +
      `p99 ${ms(rates.platform.acknowledgeMs.p99)}; bare aedes p50 ${ms(rates.bare.acknowledgeMs.p50)}, ` +
      `p99 ${ms(rates.bare.acknowledgeMs.p99)} (with ${results.maxInFlightPerDevice} in flight a device sends at most ` +
      `${results.maxInFlightPerDevice} per PUBACK time)`,
    `    CPU per acknowledged message, all threads: platform ${micros(rates.platform.cpuMicrosPerMessage.broker)}, ` +
      `its devices (mutual TLS) ${micros(rates.platform.cpuMicrosPerMessage.devices)}; bare aedes ` +
      `${micros(rates.bare.cpuMicrosPerMessage.broker)}, its devices (plain TCP) ${micros(rates.bare.cpuMicrosPerMessage.devices)}: ` +
      `at ${targets.messageRateRatio}× bare aedes's rate, with the machine no busier than in its window, the platform ` +
      `would have ${micros(platformBudgetMicros(rates))} a message`,
    ...(rates.platform.acknowledgedPerSecond >= 0.95 * rates.offeredPerSecond
      ? [
          `    the platform took nearly all the fleet offers it at the quota (${perSecond(rates.offeredPerSecond, 'msg')}): ` +
            'its ceiling is higher, so the ratio is a lower bound',
        ]
      : []),
    `  readings/s, ${readingsPerBatch} readings per message, ${perSecond(batched.offeredPerSecond, 'reading')} offered:`,
    `    platform ${perSecond(batched.platform.deliveredPerSecond, 'reading')} visible in SQL ` +
      `(${perSecond(batched.platform.acknowledgedPerSecond, 'msg')} acknowledged; ${batched.backlogRecords.toLocaleString('en')} records ` +
      `acknowledged and not yet in the lake at the end) = ${readingsRatio.toFixed(3)}× bare aedes ` +
      `(${perSecond(batched.bare.deliveredPerSecond, 'reading')} delivered)` +
      `  target ≥ ${targets.readingsPerSecond.toLocaleString('en')}/s  ${verdict(verdicts.readingsPerSecond)}`,
    `    CPU per reading, all threads: platform ${micros(batched.platform.cpuMicrosPerMessage.broker / readingsPerBatch, 2)}, ` +
      `its devices ${micros(batched.platform.cpuMicrosPerMessage.devices / readingsPerBatch, 2)} (at ` +
      `${targets.readingsPerSecond.toLocaleString('en')}/s, two cores give ${micros(2e6 / targets.readingsPerSecond, 2)} a reading ` +
      'to platform and devices together)',
    `  freshness at ${perSecond(results.halfRate, 'msg')} (half the platform's maximum), ${freshness.queryableMs.length} probe messages over ` +
      `${soak.minutes.toFixed(1)} min, ${freshness.pending} still pending:`,
    `    publish → queryable in SQL (its Parquet file renamed into the lake, as a query returning the row shows) ` +
      `p50 ${ms(p(freshness.queryableMs, 50))}, p99 ${ms(queryableP99)} = ` +
      `${(queryableP99 / deliveredP99).toFixed(1)}× publish → MQTT subscriber on the same broker ` +
      `(p50 ${ms(p(freshness.deliveredMs, 50))}, p99 ${ms(deliveredP99)})` +
      `  target p99 ≤ ${ms(targets.freshnessP99Ms)}  ${verdict(verdicts.freshness)}`,
    ...(freshness.queryableAtAnswer > 0
      ? [
          `    ${freshness.queryableAtAnswer} rows were found only after compaction had merged their file away: ` +
            'for those, the time to the answer counts',
        ]
      : []),
    `    publish → answer of the first polling query (every ${pollEveryMs} ms) that returned the row ` +
      `p50 ${ms(p(freshness.answeredMs, 50))}, p99 ${ms(p(freshness.answeredMs, 99))}; the query itself took ` +
      `p50 ${ms(p(freshness.queryMs, 50))}, p99 ${ms(p(freshness.queryMs, 99))} (running in the platform p50 ` +
      `${ms(p(freshness.engineMs, 50))}, p99 ${ms(p(freshness.engineMs, 99))})`,
    `  memory of the platform process: peak RSS ${mb(results.peakRssBytes)} over the whole run; over the half-rate run ` +
      `${mb(trend.firstHalfMeanBytes)} (first half, mean) → ${mb(trend.secondHalfMeanBytes)} (second half), ` +
      `${(trend.growth * 100).toFixed(1)} %, second half ${mb(trend.secondHalfSlopeBytesPerMinute)}/min  ` +
      (verdicts.memoryBounded === undefined
        ? `not judged: run with --minutes ${targets.soakMinutes} for the flat-memory target`
        : `target flat (≤ ${maxFlatGrowth * 100} % growth) over ${soak.minutes} min  ${verdict(verdicts.memoryBounded)}` +
          (soak.minutes < targets.soakMinutes
            ? ` (shorter than the ${targets.soakMinutes} min the target names)`
            : '')),
  ].join('\n');
}
