// The platform's CloudWatch dashboard: the AWS view of what the local web dashboard shows — telemetry
// flowing in, the enrichment Lambda keeping up, the lake's Firehoses delivering, queries over the lake.
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';
import { deliveryStreamParameterOf, lakeTables, parameters, type LakeTableName } from '@tributary/contracts';
import { StageStack, type StageStackProps } from '@tributary/contracts/cdk';
import { workgroupName } from '../core/lake-queries.js';

export const dashboardName = 'tributary';

export class DashboardStack extends StageStack<'insights'> {
  constructor(scope: Construct, id: string, props: Omit<StageStackProps, 'stage'> = {}) {
    super(scope, id, { ...props, stage: 'insights' });
    const streamName = this.read(parameters.transform.telemetryStreamName);
    const functionName = this.read(parameters.transform.enrichmentFunctionName);
    const metric = (
      namespace: string,
      metricName: string,
      dimensionsMap: Record<string, string>,
      statistic = 'Sum',
    ) =>
      new cloudwatch.Metric({ namespace, metricName, dimensionsMap, statistic, period: Duration.minutes(1) });

    const deliveryStreams = (Object.keys(lakeTables) as LakeTableName[]).map((table) => ({
      table,
      name: this.read(deliveryStreamParameterOf(table)),
    }));
    const perDeliveryStream = (metricName: string, statistic: string) =>
      deliveryStreams.map(({ table, name }) =>
        metric('AWS/Firehose', metricName, { DeliveryStreamName: name }, statistic).with({ label: table }),
      );

    const dashboard = new cloudwatch.Dashboard(this, 'Dashboard', { dashboardName });
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Telemetry in (records/min)',
        left: [metric('AWS/Kinesis', 'IncomingRecords', { StreamName: streamName })],
      }),
      new cloudwatch.GraphWidget({
        title: 'Enrichment lag (iterator age, ms)',
        left: [metric('AWS/Lambda', 'IteratorAge', { FunctionName: functionName }, 'Maximum')],
      }),
      new cloudwatch.GraphWidget({
        title: 'Enrichment errors and throttles',
        left: [
          metric('AWS/Lambda', 'Errors', { FunctionName: functionName }),
          metric('AWS/Lambda', 'Throttles', { FunctionName: functionName }),
        ],
      }),
      new cloudwatch.GraphWidget({
        title: 'Lake delivery: oldest undelivered row (s)',
        left: perDeliveryStream('DeliveryToS3.DataFreshness', 'Maximum'),
      }),
      new cloudwatch.GraphWidget({
        title: 'Lake delivery: rows written to S3',
        left: perDeliveryStream('DeliveryToS3.Records', 'Sum'),
      }),
      new cloudwatch.GraphWidget({
        title: 'Lake delivery: rows that failed Parquet conversion',
        left: perDeliveryStream('FailedConversion.Records', 'Sum'),
      }),
      new cloudwatch.GraphWidget({
        title: 'Lake queries: bytes scanned',
        left: [metric('AWS/Athena', 'ProcessedBytes', { WorkGroup: workgroupName })],
      }),
    );
    this.publish(parameters.insights.dashboardName, dashboardName);
  }
}
