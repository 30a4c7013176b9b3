// Where the anomaly detectors keep their state between batches on AWS: one item per thing, holding the
// state of each of its metrics (see lambda/detector-state-table.ts).
import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { parameters } from '@tributary/contracts';
import { StageStack, type StageStackProps } from '@tributary/contracts/cdk';

export class AnomalyDetectionStack extends StageStack<'transform'> {
  readonly detectorState: dynamodb.TableV2;

  constructor(scope: Construct, id: string, props: Omit<StageStackProps, 'stage'> = {}) {
    super(scope, id, { ...props, stage: 'transform' });
    this.detectorState = new dynamodb.TableV2(this, 'DetectorState', {
      partitionKey: { name: 'series', type: dynamodb.AttributeType.STRING },
      billing: dynamodb.Billing.onDemand(),
      encryption: dynamodb.TableEncryptionV2.awsManagedKey(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: 'expires_at',
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.publish(parameters.transform.detectorStateTableName, this.detectorState.tableName);
  }
}
