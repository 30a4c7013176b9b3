// What a simulated device does with its shadow's desired state, pure: `reportingIntervalMs` sets the time
// between two of its readings (the fleet schedule keeps the other devices' share of the rate), any other
// field is taken as given. The reported state says what the device now does, so a value it cannot run
// with is answered with the interval it keeps, and the shadow's delta stays open, as
// device-shadow-comms-device.html describes for a device that does not take a desired value.

/** The desired/reported shadow field that sets how often one device publishes a reading. */
export const reportingIntervalSetting = 'reportingIntervalMs';
/** Each reading of a device needs its own whole-millisecond timestamp (it makes the message id). */
export const minReportingIntervalMs = 1;
export const maxReportingIntervalMs = 86_400_000;

export interface AppliedDesiredState {
  /** The interval the device now publishes at. */
  readonly reportingIntervalMs: number;
  /** What the device reports back: the delta's fields, with the interval it actually runs. */
  readonly reported: Record<string, unknown>;
}

/** A desired interval the device can run with, or undefined (not a number, or out of range). */
export function reportingIntervalMsOf(value: unknown): number | undefined {
  return typeof value === 'number' &&
    Number.isFinite(value) &&
    value >= minReportingIntervalMs &&
    value <= maxReportingIntervalMs
    ? value
    : undefined;
}

/** Applies a shadow delta to a device publishing every `currentIntervalMs`. */
export function applyDesiredState(
  delta: Readonly<Record<string, unknown>>,
  currentIntervalMs: number,
): AppliedDesiredState {
  if (!(reportingIntervalSetting in delta))
    return { reportingIntervalMs: currentIntervalMs, reported: { ...delta } };
  const reportingIntervalMs = reportingIntervalMsOf(delta[reportingIntervalSetting]) ?? currentIntervalMs;
  return { reportingIntervalMs, reported: { ...delta, [reportingIntervalSetting]: reportingIntervalMs } };
}
