// The hourly rollup Lambda's entry point (DataLakeStack bundles this file), wired to Athena with the
// workgroup, database and bucket DataLakeStack sets in its environment.
import { AthenaClient } from '@aws-sdk/client-athena';
import { createLogger } from '@tributary/contracts';
import { AthenaStatements } from '../aws/athena-statements.js';
import { createHourlyRollupHandler } from './hourly-rollup-handler.js';

function requiredEnvironment(variable: string): string {
  const value = process.env[variable];
  if (!value) throw new Error(`The hourly rollup Lambda needs ${variable}: set by DataLakeStack`);
  return value;
}

let handlerOfThisContainer: ReturnType<typeof createHourlyRollupHandler> | undefined;

export const handler = (event: { time: string }) => {
  handlerOfThisContainer ??= createHourlyRollupHandler({
    athena: new AthenaStatements({
      client: new AthenaClient({}),
      workGroup: requiredEnvironment('ROLLUP_WORK_GROUP'),
      database: requiredEnvironment('LAKE_DATABASE'),
    }),
    lakeUri: `s3://${requiredEnvironment('LAKE_BUCKET')}`,
    logger: createLogger({ service: 'hourly-rollups' }),
  });
  return handlerOfThisContainer(event);
};
