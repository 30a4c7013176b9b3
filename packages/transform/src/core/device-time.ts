// What a device's own timestamp is worth (faults.md #18). Partitions and rollups use the receive time the
// rule stamps; the device time is kept beside it and judged here: a reading later than the allowed
// lateness goes to quarantine rather than into a detector that has moved on, a time that can only be
// seconds is refused with that said, and a clock running ahead is kept but not trusted for scoring.

/** How far a device clock may run ahead of the receive time before its readings are scored on receive time. */
export const maxDeviceClockAheadMs = 5 * 60_000;
/** How long after its device time a reading may arrive; older ones are quarantined as LATE_READING. */
export const allowedLatenessMs = 24 * 3_600_000;
/** 1973-03-03 in ms, and year 5138 in seconds: a smaller `ts` is seconds since the epoch, not ms. */
const smallestMillisecondTimestamp = 100_000_000_000;

export type DeviceTimeVerdict =
  /** Within the bounds: scored on device time. */
  | 'trusted'
  /** Ahead of the receive time by more than maxDeviceClockAheadMs: kept, scored on receive time. */
  | 'ahead'
  /** Received more than allowedLatenessMs after it was taken: quarantined. */
  | 'late'
  /** Too small to be epoch milliseconds: quarantined. */
  | 'seconds';

export function deviceTimeVerdictOf(deviceTime: number, receivedAt: number): DeviceTimeVerdict {
  if (deviceTime < smallestMillisecondTimestamp) return 'seconds';
  if (deviceTime - receivedAt > maxDeviceClockAheadMs) return 'ahead';
  if (receivedAt - deviceTime > allowedLatenessMs) return 'late';
  return 'trusted';
}

/**
 * The time a reading is scored at — the stream's watermark, in effect: its device time when that can be
 * trusted, else its receive time, so one device's wrong clock cannot shift its own daily profile.
 */
export const scoringTimeOf = (reading: { device_time: number; received_at: number }): number =>
  deviceTimeVerdictOf(reading.device_time, reading.received_at) === 'trusted'
    ? reading.device_time
    : reading.received_at;
