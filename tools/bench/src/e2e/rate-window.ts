// One measured window of a load: the fleet runs it for a warm-up, then for a window in which two rates are
// taken — messages acknowledged to the devices, and what came out at the far end (rows visible in SQL for
// the platform, messages delivered to the subscriber for bare aedes).
import { percentile } from '../measure.js';
import { cpuSecondsOf } from './cpu-time.js';
import type { DeviceFleet, FleetLoad } from './device-fleet.js';

export interface WindowTiming {
  readonly warmUpMs: number;
  readonly windowMs: number;
}

export interface RateWindow {
  readonly acknowledgedPerSecond: number;
  /** In the unit `delivered` counts (rows, or messages × readings per message). */
  readonly deliveredPerSecond: number;
  /** publish → PUBACK of the messages sent and acknowledged in the window: how long devices waited. */
  readonly acknowledgeMs: { readonly p50: number; readonly p99: number };
  /**
   * CPU time per acknowledged message over the window, all threads: the broker's process, and this one,
   * whose devices' MQTT (and TLS, to the platform) is the load's own cost on the same two cores.
   */
  readonly cpuMicrosPerMessage: { readonly broker: number; readonly devices: number };
}

/** The broker a window loads: its process, and a running count of what came out at its far end. */
export interface LoadedBroker {
  readonly pid: number;
  readonly delivered: () => Promise<number>;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Leaves the load running: the caller pauses the fleet (or runs the next load) when done. */
export async function measureWindow(
  fleet: DeviceFleet,
  load: FleetLoad,
  broker: LoadedBroker,
  timing: WindowTiming,
): Promise<RateWindow> {
  fleet.run(load);
  await sleep(timing.warmUpMs);
  const stopTiming = fleet.timeAcknowledgements();
  const before = await countAt(fleet, broker.delivered);
  const cpuBefore = cpuSecondsOf(broker.pid);
  const devicesCpuBefore = cpuSecondsOf(process.pid);
  await sleep(timing.windowMs);
  const cpuAfter = cpuSecondsOf(broker.pid);
  const devicesCpuAfter = cpuSecondsOf(process.pid);
  const after = await countAt(fleet, broker.delivered);
  const acknowledgeMs = stopTiming();
  const seconds = (after.atMs - before.atMs) / 1000;
  const acknowledged = after.acknowledged - before.acknowledged;
  const p = (q: number) => (acknowledgeMs.length > 0 ? percentile(acknowledgeMs, q) : NaN);
  // The CPU is read between the two counts: the counting queries' own work stays out of it, and the
  // messages are those acknowledged between the counts (a few ms longer than the CPU's interval).
  const microsPerMessage = (cpuSeconds: number) => (acknowledged > 0 ? (cpuSeconds * 1e6) / acknowledged : NaN);
  return {
    acknowledgedPerSecond: acknowledged / seconds,
    deliveredPerSecond: (after.delivered - before.delivered) / seconds,
    acknowledgeMs: { p50: p(50), p99: p(99) },
    cpuMicrosPerMessage: {
      broker: microsPerMessage(cpuAfter - cpuBefore),
      devices: microsPerMessage(devicesCpuAfter - devicesCpuBefore),
    },
  };
}

/**
 * Both counts at one moment. A count through SQL can take a second on a loaded platform, so the moment is
 * the query's midpoint, and the acknowledgements are read there too.
 */
async function countAt(fleet: DeviceFleet, delivered: LoadedBroker['delivered']) {
  const askedAt = performance.now();
  const acknowledgedAtAsk = fleet.counters().acknowledged;
  const count = await delivered();
  const answeredAt = performance.now();
  const acknowledged = (acknowledgedAtAsk + fleet.counters().acknowledged) / 2;
  return { atMs: (askedAt + answeredAt) / 2, acknowledged, delivered: count };
}
