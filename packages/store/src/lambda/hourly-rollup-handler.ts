// The hourly rollup Lambda: on each scheduled run, every settled hour of the lookback window whose rollup
// partitions are still empty is rolled up with Athena's UNLOAD (core/hourly-rollup-statements.ts). An hour
// already rolled up is left alone, so runs can repeat, overlap or catch up after a failure.
import { rollupGrainMillis, silentLogger, type Logger, type RollupTableName } from '@tributary/contracts';
import {
  defaultRollupSchedule,
  hourlyRollupUnloadSql,
  hoursToRollUp,
  rolledUpRowsSql,
  type RollupSchedule,
} from '../core/index.js';
import type { AthenaStatements } from '../aws/athena-statements.js';

export interface HourlyRollupDependencies {
  readonly athena: Pick<AthenaStatements, 'run' | 'count'>;
  /** `s3://<lake bucket>`: where the rollup tables' partitions are. */
  readonly lakeUri: string;
  readonly schedule?: RollupSchedule;
  readonly logger?: Logger;
}

export interface HourlyRollupOutcome {
  /** `telemetry_1m@2026-12-04T07:00:00.000Z`, per what happened to it on this run. */
  readonly rolledUp: string[];
  readonly alreadyRolledUp: string[];
  readonly failed: string[];
}

/** EventBridge's scheduled event: only its time matters. */
export interface ScheduledRun {
  readonly time: string;
}

const rollupTables = Object.keys(rollupGrainMillis) as RollupTableName[];

export function createHourlyRollupHandler(dependencies: HourlyRollupDependencies) {
  const { athena, lakeUri } = dependencies;
  const log = dependencies.logger ?? silentLogger;
  const rolledUpAlready = async (table: RollupTableName, hour: number) =>
    (await athena.count(rolledUpRowsSql(table, hour))) > 0;

  return async (event: ScheduledRun): Promise<HourlyRollupOutcome> => {
    const now = Date.parse(event.time);
    if (!Number.isFinite(now)) throw new Error(`The scheduled event has no valid time: ${event.time}`);
    const outcome: HourlyRollupOutcome = { rolledUp: [], alreadyRolledUp: [], failed: [] };
    for (const hour of hoursToRollUp(now, dependencies.schedule ?? defaultRollupSchedule)) {
      for (const table of rollupTables) {
        const name = `${table}@${new Date(hour).toISOString()}`;
        try {
          if (await rolledUpAlready(table, hour)) {
            outcome.alreadyRolledUp.push(name);
            continue;
          }
          const run = await athena.run(hourlyRollupUnloadSql(table, hour, lakeUri));
          // UNLOAD fails on a location that holds data: another run may have just written it.
          if (run.state === 'SUCCEEDED') outcome.rolledUp.push(name);
          else if (await rolledUpAlready(table, hour)) outcome.alreadyRolledUp.push(name);
          else {
            outcome.failed.push(name);
            log.error('hourly rollup failed', {
              rollup: name,
              query: run.queryExecutionId,
              state: run.state,
              reason: run.reason,
            });
          }
        } catch (error) {
          outcome.failed.push(name);
          log.error('hourly rollup failed', { rollup: name, error });
        }
      }
    }
    log.info('hourly rollups', { ...outcome });
    // A failure fails the invocation (the function's Errors alarm); the next runs retry the hour.
    if (outcome.failed.length > 0) {
      throw new Error(`Hourly rollups failed for ${outcome.failed.join(', ')}; the next run retries them.`);
    }
    return outcome;
  };
}
