// The platform's CloudWatch dashboard: the AWS rendering of the dashboard definition the local web
// dashboard also renders (core/dashboard-definition.ts) — pipeline health from the Lambdas' EMF metrics
// and the AWS/* metrics, anomalies and device connections from Logs Insights, the cost estimate from billing.
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';
import { deliveryStreamParameterOf, lakeTables, parameters, type LakeTableName } from '@tributary/contracts';
import { StageStack, type StageStackProps } from '@tributary/contracts/cdk';
import { assertValidDashboard, defaultDashboard } from '../core/index.js';
import { cloudWatchRowsOf } from './cloudwatch-widgets.js';
import { DashboardLogSources } from './dashboard-log-sources.js';

export const dashboardName = 'tributary';

export class DashboardStack extends StageStack<'insights'> {
  readonly dashboard: cloudwatch.Dashboard;
  readonly logSources: DashboardLogSources;

  constructor(scope: Construct, id: string, props: Omit<StageStackProps, 'stage'> = {}) {
    super(scope, id, { ...props, stage: 'insights' });
    const definition = defaultDashboard;
    assertValidDashboard(definition);
    this.logSources = new DashboardLogSources(this, 'LogSources', {
      anomalyEventBusName: this.read(parameters.transform.anomalyEventBusName),
    });
    const rows = cloudWatchRowsOf(definition, {
      telemetryStreamName: this.read(parameters.transform.telemetryStreamName),
      enrichmentFunctionName: this.read(parameters.transform.enrichmentFunctionName),
      enrichmentLogGroupName: this.read(parameters.transform.enrichmentLogGroupName),
      deliveryStreams: (Object.keys(lakeTables) as LakeTableName[]).map((table) => ({
        table,
        name: this.read(deliveryStreamParameterOf(table)),
      })),
      anomalyEventsLogGroupName: this.logSources.anomalyEvents.logGroupName,
      devicePresenceLogGroupName: this.logSources.devicePresence.logGroupName,
    });

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName,
      defaultInterval: Duration.millis(definition.rangeMs),
    });
    for (const row of rows) this.dashboard.addWidgets(...row);
    this.publish(parameters.insights.dashboardName, dashboardName);
  }
}
