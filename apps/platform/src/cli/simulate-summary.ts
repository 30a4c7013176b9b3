// The verdict of a `tributary simulate` run: one summary line (sent, acknowledged, failed, held back,
// reconnects, achieved rate against the target) and the exit status — 1 when a publish failed or a device
// could not connect or stay connected, 0 when all went well. Readings held back by the in-flight cap are
// shown, not failed: they are the platform pushing back, which is what a load test measures.
import type { FleetDriverStats } from '@tributary/ingest/local';

export type SimulationRunStats = Pick<
  FleetDriverStats,
  | 'devices'
  | 'readingsGenerated'
  | 'messagesPublished'
  | 'readingsAcknowledged'
  | 'readingsFailed'
  | 'readingsHeldBack'
  | 'reconnects'
  | 'elapsedMs'
>;

export interface SimulationRun {
  readonly stats: SimulationRunStats;
  /** Readings a second asked for, fleet-wide. */
  readonly targetRatePerSecond: number;
  /** Devices whose connection was down when the run ended. @default 0 */
  readonly devicesDisconnected?: number;
  /** Why the fleet did not start (a device could not connect). */
  readonly connectFailure?: string;
}

export interface SimulationOutcome {
  readonly exitCode: 0 | 1;
  readonly problems: readonly string[];
  /** One line, e.g. `simulate ok: sent 60 readings (60 messages), acknowledged 60, failed 0, …`. */
  readonly summaryLine: string;
}

export function simulationOutcomeOf(run: SimulationRun): SimulationOutcome {
  const { stats, targetRatePerSecond } = run;
  const problems: string[] = [];
  if (run.connectFailure) problems.push(run.connectFailure);
  if (stats.readingsFailed > 0) problems.push(`${stats.readingsFailed} reading(s) were never acknowledged`);
  const disconnected = run.devicesDisconnected ?? 0;
  if (disconnected > 0) {
    problems.push(`${disconnected} of ${stats.devices} device(s) were disconnected at the end`);
  }
  const seconds = stats.elapsedMs / 1000;
  const achieved = seconds > 0 ? stats.readingsAcknowledged / seconds : 0;
  const counts =
    `sent ${stats.readingsGenerated} readings (${stats.messagesPublished} messages), ` +
    `acknowledged ${stats.readingsAcknowledged}, failed ${stats.readingsFailed}, ` +
    `held back ${stats.readingsHeldBack}, reconnects ${stats.reconnects}, ` +
    `rate ${achieved.toFixed(1)}/s of ${targetRatePerSecond}/s target`;
  return {
    exitCode: problems.length > 0 ? 1 : 0,
    problems,
    summaryLine:
      problems.length > 0 ? `simulate FAILED: ${counts} — ${problems.join('; ')}` : `simulate ok: ${counts}`,
  };
}
