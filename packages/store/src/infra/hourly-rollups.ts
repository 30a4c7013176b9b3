// The rollups on AWS: a Lambda that EventBridge runs every hour, 20 minutes past, to UNLOAD each settled
// hour's telemetry rollups through Athena into the rollup tables' partitions (lambda/hourly-rollup-*.ts).
// Locally the lake writer keeps the same tables as data arrives.
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as athena from 'aws-cdk-lib/aws-athena';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { allLakeTables, rollupGrainMillis } from '@tributary/contracts';
import { acknowledge, kmsGrantWildcards } from '@tributary/contracts/cdk';
import { bundledHandlerCode } from '@tributary/transform/infra';

export interface HourlyRollupsProps {
  readonly bucket: s3.Bucket;
  readonly key: kms.IKey;
  readonly databaseName: string;
}

export class HourlyRollups extends Construct {
  readonly workGroup: athena.CfnWorkGroup;
  readonly function: lambda.Function;

  constructor(scope: Construct, id: string, props: HourlyRollupsProps) {
    super(scope, id);
    const { bucket, key, databaseName } = props;

    this.workGroup = new athena.CfnWorkGroup(this, 'WorkGroup', {
      name: 'tributary-lake-rollups',
      description: "The lake's own hourly rollups (UNLOAD into the rollup tables)",
      state: 'ENABLED',
      recursiveDeleteOption: true,
      workGroupConfiguration: {
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        // An hour of a large fleet's telemetry; a runaway statement stops here.
        bytesScannedCutoffPerQuery: 100 * 1024 ** 3,
        engineVersion: { selectedEngineVersion: 'Athena engine version 3' },
        resultConfiguration: {
          outputLocation: bucket.s3UrlForObject('athena-results/rollups/'),
          encryptionConfiguration: { encryptionOption: 'SSE_KMS', kmsKey: key.keyArn },
        },
      },
    });

    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.function = new lambda.Function(this, 'Function', {
      description: 'Rolls up each settled hour of telemetry into telemetry_1m and telemetry_1h with Athena',
      code: bundledHandlerCode(new URL('../lambda/hourly-rollup-function.ts', import.meta.url)),
      handler: 'index.handler',
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 256,
      // Up to 6 hours × 2 tables of Athena statements, each polled to its end.
      timeout: Duration.minutes(15),
      tracing: lambda.Tracing.ACTIVE,
      logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      environment: {
        ROLLUP_WORK_GROUP: this.workGroup.name,
        LAKE_DATABASE: databaseName,
        LAKE_BUCKET: bucket.bucketName,
        NODE_OPTIONS: '--enable-source-maps',
      },
    });
    this.grantRollups(bucket, key, databaseName);

    new events.Rule(this, 'Schedule', {
      description: 'Hourly telemetry rollups, 20 minutes past the hour',
      schedule: events.Schedule.cron({ minute: '20' }),
      targets: [new targets.LambdaFunction(this.function, { retryAttempts: 2 })],
    });

    acknowledge(
      this.function,
      ...kmsGrantWildcards,
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason: 'The managed basic execution role only lets the function write its own log group.',
      },
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'X-Ray tracing (PutTraceSegments, PutTelemetryRecords) has no resource-level permissions.',
      },
      ...['s3:Abort*', 's3:GetBucket*', 's3:GetObject*', 's3:List*'].map((action) => ({
        id: `AwsSolutions-IAM5[Action::${action}]`,
        reason:
          'Athena reads and writes the lake with the caller’s S3 permissions (multipart UNLOAD output).',
      })),
      ...this.lakePrefixes().map((prefix) => ({
        id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(bucket.node.defaultChild as s3.CfnBucket)}.Arn>/${prefix}/*]`,
        reason: 'Every partition of these tables (and the rollup query results) is read or written.',
      })),
    );
  }

  /** The lake prefixes the function touches: telemetry (read), the rollup tables and its results. */
  private lakePrefixes(): string[] {
    return [allLakeTables.telemetry.name, ...Object.keys(rollupGrainMillis), 'athena-results/rollups'];
  }

  private grantRollups(bucket: s3.IBucket, key: kms.IKey, databaseName: string): void {
    const stack = Stack.of(this);
    const rollupTables = Object.keys(rollupGrainMillis);
    const readTables = [allLakeTables.telemetry.name, ...rollupTables];
    this.function.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['athena:StartQueryExecution', 'athena:GetQueryExecution', 'athena:GetQueryResults'],
        resources: [
          stack.formatArn({ service: 'athena', resource: 'workgroup', resourceName: this.workGroup.name }),
        ],
      }),
    );
    this.function.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['glue:GetDatabase', 'glue:GetTable', 'glue:GetPartitions'],
        resources: [
          stack.formatArn({ service: 'glue', resource: 'catalog' }),
          stack.formatArn({ service: 'glue', resource: 'database', resourceName: databaseName }),
          ...readTables.map((table) =>
            stack.formatArn({ service: 'glue', resource: 'table', resourceName: `${databaseName}/${table}` }),
          ),
        ],
      }),
    );
    // Reads telemetry and the rollup partitions; writes only the rollup tables and its query results.
    for (const prefix of readTables) bucket.grantRead(this.function, `${prefix}/*`);
    for (const prefix of [...rollupTables, 'athena-results/rollups'])
      bucket.grantPut(this.function, `${prefix}/*`);
    bucket.grantRead(this.function, 'athena-results/rollups/*');
    key.grantEncryptDecrypt(this.function);
  }
}
