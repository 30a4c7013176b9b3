// The platform's CloudWatch dashboard: the AWS view of what the local web dashboard shows — telemetry
// flowing in, the enrichment Lambda keeping up, queries over the lake.
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';
import { parameters } from '@tributary/contracts';
import { StageStack, type StageStackProps } from '@tributary/contracts/cdk';
import { workgroupName } from './analytics-stack.js';

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
        title: 'Lake queries: bytes scanned',
        left: [metric('AWS/Athena', 'ProcessedBytes', { WorkGroup: workgroupName })],
      }),
    );
    this.publish(parameters.insights.dashboardName, dashboardName);
  }
}
