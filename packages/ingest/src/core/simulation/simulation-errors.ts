// Typed errors of the simulation core: each names the field to fix.

/** A signal spec or fleet plan option is out of range. */
export class SimulationSpecError extends Error {
  readonly code = 'INVALID_SIMULATION_SPEC';
  constructor(
    readonly subject: string,
    readonly problems: readonly string[],
  ) {
    super(`Invalid ${subject}: ${problems.join('; ')}`);
  }
}

/** A signal was asked for a time before its previous point: its random walk only moves forward. */
export class SignalTimeOrderError extends Error {
  readonly code = 'SIGNAL_TIME_ORDER';
  constructor(
    readonly ts: number,
    readonly previousTs: number,
  ) {
    super(
      `Signal asked for ts ${ts} after ts ${previousTs}: ask for points in non-decreasing time, ` +
        `or start a new signal with signalOf(spec, seed) to replay from the beginning`,
    );
  }
}

/** A batch would not be accepted by the platform's TelemetryBatch contract. */
export class TelemetryBatchError extends Error {
  readonly code = 'INVALID_TELEMETRY_BATCH';
  constructor(reason: string) {
    super(`Cannot build a telemetry batch: ${reason}`);
  }
}
