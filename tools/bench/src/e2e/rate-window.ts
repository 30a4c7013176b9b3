// One measured window of a load: the fleet runs it for a warm-up, then for a window in which two rates are
// taken — messages acknowledged to the devices, and what came out at the far end (rows visible in SQL for
// the platform, messages delivered to the subscriber for bare aedes).
import { percentile } from '../measure.js';
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
}

/** A running count of what came out at the far end. */
export type DeliveredCounter = () => Promise<number>;

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Leaves the load running: the caller pauses the fleet (or runs the next load) when done. */
export async function measureWindow(
  fleet: DeviceFleet,
  load: FleetLoad,
  delivered: DeliveredCounter,
  timing: WindowTiming,
): Promise<RateWindow> {
  fleet.run(load);
  await sleep(timing.warmUpMs);
  const stopTiming = fleet.timeAcknowledgements();
  const before = await countAt(fleet, delivered);
  await sleep(timing.windowMs);
  const after = await countAt(fleet, delivered);
  const acknowledgeMs = stopTiming();
  const seconds = (after.atMs - before.atMs) / 1000;
  const p = (q: number) => (acknowledgeMs.length > 0 ? percentile(acknowledgeMs, q) : NaN);
  return {
    acknowledgedPerSecond: (after.acknowledged - before.acknowledged) / seconds,
    deliveredPerSecond: (after.delivered - before.delivered) / seconds,
    acknowledgeMs: { p50: p(50), p99: p(99) },
  };
}

/**
 * Both counts at one moment. A count through SQL can take a second on a loaded platform, so the moment is
 * the query's midpoint, and the acknowledgements are read there too.
 */
async function countAt(fleet: DeviceFleet, delivered: DeliveredCounter) {
  const askedAt = performance.now();
  const acknowledgedAtAsk = fleet.counters().acknowledged;
  const count = await delivered();
  const answeredAt = performance.now();
  const acknowledged = (acknowledgedAtAsk + fleet.counters().acknowledged) / 2;
  return { atMs: (askedAt + answeredAt) / 2, acknowledged, delivered: count };
}
