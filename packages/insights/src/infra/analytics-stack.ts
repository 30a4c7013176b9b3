// SQL over the lake on AWS: an Athena workgroup whose settings users cannot override — encrypted
// results, a bytes-scanned cutoff per query — and the named queries the local dashboard runs, as
// prepared statements with the same SQL.
import { Duration } from 'aws-cdk-lib';
import * as athena from 'aws-cdk-lib/aws-athena';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { parameters } from '@tributary/contracts';
import { accessLogsBucket, rotatingKey, StageStack, type StageStackProps } from '@tributary/contracts/cdk';
import { workgroupName } from '../core/lake-queries.js';
import { namedQueries } from '../core/named-queries.js';

export interface AnalyticsStackProps extends Omit<StageStackProps, 'stage'> {
  /** A query scanning more is cancelled (and billed up to here). @default 10 GiB */
  readonly bytesScannedCutoffPerQuery?: number;
}

export class AnalyticsStack extends StageStack<'insights'> {
  readonly workgroup: athena.CfnWorkGroup;

  constructor(scope: Construct, id: string, props: AnalyticsStackProps = {}) {
    super(scope, id, { ...props, stage: 'insights' });
    const key = rotatingKey(this, 'ResultsKey', 'Encrypts Athena query results');
    const accessLogs = accessLogsBucket(this, 'AccessLogs', 'query results bucket');
    const results = new s3.Bucket(this, 'QueryResults', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: key,
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      serverAccessLogsBucket: accessLogs,
      lifecycleRules: [{ expiration: Duration.days(30) }],
    });

    this.workgroup = new athena.CfnWorkGroup(this, 'Workgroup', {
      name: workgroupName,
      description: 'Queries over the tributary lake',
      recursiveDeleteOption: true,
      workGroupConfiguration: {
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: props.bytesScannedCutoffPerQuery ?? 10 * 1024 ** 3,
        engineVersion: { selectedEngineVersion: 'AUTO' },
        resultConfiguration: {
          outputLocation: `s3://${results.bucketName}/results/`,
          encryptionConfiguration: { encryptionOption: 'SSE_KMS', kmsKey: key.keyArn },
        },
      },
    });

    const database = this.read(parameters.store.glueDatabaseName);
    for (const [name, query] of Object.entries(namedQueries)) {
      const statement = new athena.CfnPreparedStatement(this, `Query-${name}`, {
        workGroup: workgroupName,
        statementName: name,
        description: query.description,
        queryStatement: query.sql,
      });
      statement.addResourceDependency(this.workgroup);
      const named = new athena.CfnNamedQuery(this, `NamedQuery-${name}`, {
        workGroup: workgroupName,
        name,
        description: `${query.description} Run with EXECUTE ${name} USING …`,
        database,
        queryString: `EXECUTE ${name} USING ${query.parameters.map(() => "'…'").join(', ')}`,
      });
      named.addResourceDependency(this.workgroup);
    }

    this.publish(parameters.insights.athenaWorkgroupName, this.workgroup.ref);
  }
}
