// `pnpm bench e2e [--minutes M]`: the whole local platform end to end — devices over mutual TLS → broker
// with IoT policies → rules → durable stream → enrichment → detection → Parquet lake → SQL — loaded by a
// fleet onboarded through its IoT API, against bare aedes carrying the same fleet's messages to a
// subscriber (pub→sub) in the same run. Measures sustained QoS 1 msg/s (target ≥ 0.8× bare aedes),
// readings/s with batched payloads visible in SQL (≥ 1M/s), publish → queryable at half the maximum
// message rate (p99 ≤ 1 s), and the platform's peak memory; with --minutes M (or BENCH_E2E_MINUTES) the
// half-rate run lasts M minutes and its memory must stay flat. --remembered-keys N starts the platform with
// that bound on the lake writer's keys in memory, to measure the platform past it in a short run.
import { parseArgs } from 'node:util';
import { startEndpoint, type Endpoint } from '../ingest/ingest.js';
import {
  connectFleet,
  maxMessagesPerSecondPerDevice,
  type DeviceFleet,
  type FleetLoad,
} from './device-fleet.js';
import { onboardFleet } from './fleet-onboarding.js';
import { FreshnessProbe, type FreshnessSamples } from './freshness-probe.js';
import { MemorySampler, memoryOf } from './memory-sampler.js';
import { memoryTrendOf } from './memory-trend.js';
import { startPlatformProcess, type PlatformProcess } from './platform-process.js';
import { measureWindow, sleep, type LoadedBroker, type RateWindow } from './rate-window.js';
import { batchPayloads, messageIdOf, readingsPerBatch, singleReadingPayload } from './telemetry-payloads.js';
import { allMet, reportOf, targets, verdictsOf, type E2eResults } from './e2e-report.js';

/**
 * At the per-connection quota 300 devices offer the platform 27,000 msg/s, more than it takes on two shared
 * cores (the report says when it took nearly all). Bare aedes has no quota: the same devices send to it as fast
 * as their in-flight cap allows, so the baseline is its ceiling, not the fleet's offer (at the quota it took
 * all that 400 devices offered). More devices cost onboarding time (CreateKeysAndCertificate is 20–70 ms a
 * device here).
 */
const devices = 300;
const maxInFlightPerDevice = 10;
/** Devices whose every message is followed into SQL. */
const probeDevices = 16;
const rateRounds = 3;
const rateTiming = { warmUpMs: 2_000, windowMs: 4_000 };
const freshnessWarmUpMs = 3_000;
const defaultFreshnessMs = 20_000;
const batchedTiming = { warmUpMs: 5_000, windowMs: 15_000 };
const bareBatchedTiming = { warmUpMs: 2_000, windowMs: 5_000 };
const drainTimeoutMs = 60_000;
const memorySampleEveryMs = 2_000;

export async function e2e(): Promise<boolean> {
  const { soakMinutes, rememberedKeys } = e2eOptionsOf(process.argv.slice(3), process.env.BENCH_E2E_MINUTES);
  const [platform, bare] = await Promise.all([
    startPlatformProcess(rememberedKeys === undefined ? [] : ['--remembered-keys', rememberedKeys]),
    startEndpoint('bare-aedes-subscribed'),
  ]);
  const memory = new MemorySampler(platform.pid, memorySampleEveryMs);
  const fleets: DeviceFleet[] = [];
  try {
    const thingNames = Array.from({ length: devices }, (_, i) => `bench-e2e-${String(i).padStart(4, '0')}`);
    const onboardingStartedAt = performance.now();
    progress(`onboarding ${devices} devices through the IoT API`);
    const certificates = await onboardFleet(platform.iotApiUrl, thingNames);
    const onboardingMs = performance.now() - onboardingStartedAt;
    const onPlatform = await connectFleet(
      { url: platform.mqttsUrl, caCertificatePem: platform.caCertificatePem },
      certificates,
    );
    fleets.push(onPlatform);
    const onBare = await connectFleet({ url: `mqtt://127.0.0.1:${bare.port}` }, certificates);
    fleets.push(onBare);

    const rates = await measureMessageRates(platform, onPlatform, bare, onBare);
    const halfRate = rates.platform.acknowledgedPerSecond / 2;
    const soakMs = soakMinutes ? soakMinutes * 60_000 : defaultFreshnessMs;
    progress(`freshness at ${Math.round(halfRate)} msg/s for ${soakMs / 1000} s`);
    memory.restart();
    const freshness = await measureFreshness(platform, onPlatform, thingNames, halfRate, soakMs);
    const soakSeries = memory.series();
    progress('batched readings: bare aedes, then the platform');
    const batched = await measureBatchedReadings(platform, onPlatform, bare, onBare);
    const results: E2eResults = {
      devices,
      maxInFlightPerDevice,
      onboardingMs,
      rates,
      halfRate,
      freshness,
      batched,
      peakRssBytes: memoryOf(platform.pid).peakRssBytes,
      soak: {
        minutes: soakMs / 60_000,
        judged: soakMinutes !== undefined,
        trend: memoryTrendOf(soakSeries),
      },
    };
    console.log(reportOf(results));
    return allMet(verdictsOf(results));
  } finally {
    memory.stop();
    await Promise.all(fleets.map((fleet) => fleet.close()));
    await Promise.all([platform.stop(), bare.stop()]);
  }
}

/** Where the run is, on stderr (seconds since the bench process started), so a long run is not silent. */
const progress = (line: string) =>
  process.stderr.write(`e2e ${(performance.now() / 1000).toFixed(0).padStart(4)} s: ${line}\n`);

function e2eOptionsOf(
  args: readonly string[],
  minutesFromEnv: string | undefined,
): { readonly soakMinutes: number | undefined; readonly rememberedKeys: string | undefined } {
  const { values } = parseArgs({
    args: [...args],
    options: { minutes: { type: 'string' }, 'remembered-keys': { type: 'string' } },
  });
  const raw = values.minutes ?? minutesFromEnv;
  // The platform refuses a bound that is not a whole number of keys, before any load.
  const rememberedKeys = values['remembered-keys'];
  if (raw === undefined) return { soakMinutes: undefined, rememberedKeys };
  const minutes = Number(raw);
  if (!(minutes > 0)) {
    throw new Error(`--minutes must be a number of minutes above 0, not "${raw}" (e.g. --minutes 10)`);
  }
  return { soakMinutes: minutes, rememberedKeys };
}

const singleReadingLoad = {
  messagesPerSecondPerDevice: maxMessagesPerSecondPerDevice,
  maxInFlightPerDevice,
  payloadOf: singleReadingPayload,
} satisfies FleetLoad;

/** The same devices on bare aedes, which has no per-connection quota: as fast as their in-flight cap allows. */
const unpacedSingleReadingLoad: FleetLoad = { ...singleReadingLoad, messagesPerSecondPerDevice: 'unpaced' };

/** The platform as a window loads it: what comes out at its far end is rows in SQL. */
const platformRows = (platform: PlatformProcess): LoadedBroker => ({
  pid: platform.pid,
  delivered: async () =>
    Number((await platform.query<{ n: number }>('SELECT count(*) AS n FROM telemetry'))[0]?.n ?? 0),
});

/**
 * Every device at the quota, one reading per message: the platform's windows and bare aedes's alternate
 * round after round, so a burst of noise on this shared machine hits one window of each. After a platform
 * window the fleet waits until what it acknowledged is in the lake, so no backlog eats the next window's CPU.
 */
async function measureMessageRates(
  platform: PlatformProcess,
  onPlatform: DeviceFleet,
  bare: Endpoint,
  onBare: DeviceFleet,
): Promise<E2eResults['rates']> {
  const platformWindows: RateWindow[] = [];
  const bareWindows: RateWindow[] = [];
  for (let round = 0; round < rateRounds; round++) {
    progress(`msg/s round ${round + 1}/${rateRounds}: platform`);
    platformWindows.push(
      await measureWindow(onPlatform, singleReadingLoad, platformRows(platform), rateTiming),
    );
    const unacknowledged = await onPlatform.pause();
    if (unacknowledged > 0) progress(`${unacknowledged} messages got no PUBACK within 30 s`);
    await untilDrained(platform);
    progress(`msg/s round ${round + 1}/${rateRounds}: bare aedes`);
    bareWindows.push(
      await measureWindow(
        onBare,
        unpacedSingleReadingLoad,
        { pid: bare.pid, delivered: async () => (await bare.stats()).delivered },
        rateTiming,
      ),
    );
    await onBare.pause();
  }
  return {
    platform: medianWindow(platformWindows),
    bare: medianWindow(bareWindows),
    rounds: rateRounds,
    offeredPerSecond: devices * singleReadingLoad.messagesPerSecondPerDevice,
  };
}

/** The window with the median acknowledged rate. */
function medianWindow(windows: readonly RateWindow[]): RateWindow {
  const sorted = [...windows].sort((a, b) => a.acknowledgedPerSecond - b.acknowledgedPerSecond);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function untilDrained(platform: PlatformProcess): Promise<void> {
  const deadline = performance.now() + drainTimeoutMs;
  for (let left = await platform.recordsInFlight(); left > 0; left = await platform.recordsInFlight()) {
    if (performance.now() > deadline) {
      throw new Error(
        `The platform still had ${left} records on their way to the lake after ${drainTimeoutMs / 1000} s. ` +
          `Its output:\n${platform.output().slice(-4_000)}`,
      );
    }
    await sleep(200);
  }
}

/** The fleet at `messagesPerSecond` in all, each probe device's messages followed into SQL. */
async function measureFreshness(
  platform: PlatformProcess,
  fleet: DeviceFleet,
  thingNames: readonly string[],
  messagesPerSecond: number,
  durationMs: number,
): Promise<FreshnessSamples> {
  const probe = await FreshnessProbe.start(platform, thingNames.slice(0, probeDevices));
  try {
    fleet.run({
      messagesPerSecondPerDevice: messagesPerSecond / fleet.size,
      maxInFlightPerDevice,
      payloadOf: (device, sequence, sentAt) => {
        if (device < probeDevices) probe.sent(thingNames[device]!, messageIdOf(sequence), sentAt);
        return singleReadingPayload(device, sequence, sentAt);
      },
    });
    await sleep(freshnessWarmUpMs);
    probe.take();
    await sleep(durationMs);
    const samples = probe.take();
    await fleet.pause();
    return samples;
  } finally {
    await probe.stop();
  }
}

/**
 * Batches of the contract's most readings, offered at the target rate: bare aedes first, then the platform,
 * whose backlog is left behind (the bench ends with it) rather than slowing the baseline's window.
 */
async function measureBatchedReadings(
  platform: PlatformProcess,
  onPlatform: DeviceFleet,
  bare: Endpoint,
  onBare: DeviceFleet,
): Promise<E2eResults['batched']> {
  const load = {
    messagesPerSecondPerDevice: Math.min(
      maxMessagesPerSecondPerDevice,
      targets.readingsPerSecond / readingsPerBatch / devices,
    ),
    maxInFlightPerDevice,
    payloadOf: batchPayloads(),
  } satisfies FleetLoad;
  const offeredPerSecond = load.messagesPerSecondPerDevice * devices * readingsPerBatch;
  const bareWindow = await measureWindow(
    onBare,
    load,
    { pid: bare.pid, delivered: async () => (await bare.stats()).delivered * readingsPerBatch },
    bareBatchedTiming,
  );
  await onBare.pause();
  const platformWindow = await measureWindow(onPlatform, load, platformRows(platform), batchedTiming);
  const backlogRecords = await platform.recordsInFlight();
  return { platform: platformWindow, bare: bareWindow, offeredPerSecond, backlogRecords };
}
