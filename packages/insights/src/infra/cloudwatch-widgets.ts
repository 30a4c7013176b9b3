// The dashboard definition rendered as CloudWatch widgets: metrics (the Lambdas' EMF metrics and the AWS/*
// ones) as graphs, per-device and per-anomaly widgets as Logs Insights queries, and a text widget where
// CloudWatch holds no data for a widget (each says why and where the data is instead).
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { LakeTableName } from '@tributary/contracts';
import {
  planSeries,
  type AnomalyTableWidget,
  type DashboardDefinition,
  type DashboardWidget,
  type DeviceListWidget,
  type DeviceSeriesWidget,
  type FleetSeriesWidget,
} from '../core/index.js';
import { workgroupName } from '../core/lake-queries.js';

/** Names of what the widgets chart, read from the SSM catalogue by DashboardStack. */
export interface CloudWatchSources {
  readonly telemetryStreamName: string;
  readonly enrichmentFunctionName: string;
  readonly enrichmentLogGroupName: string;
  readonly deliveryStreams: readonly { readonly table: LakeTableName; readonly name: string }[];
  readonly anomalyEventsLogGroupName: string;
  readonly devicePresenceLogGroupName: string;
}

/** The namespace and dimension of the Enrichment Lambda's EMF metrics (transform's enrichment-telemetry.ts). */
const emf = { namespace: 'Tributary', dimensionsMap: { stage: 'transform' } } as const;
const gridWidth = 24;
const widthOf = (widget: DashboardWidget) => (widget.width === 'full' ? gridWidth : gridWidth / 2);

/** A CloudWatch period (whole minutes) that keeps a chart under maxPoints over the dashboard's range. */
function periodFor(definition: DashboardDefinition, maxPoints: number): Duration {
  const { bucketMs } = planSeries(0, definition.rangeMs, maxPoints);
  return Duration.minutes(Math.max(1, Math.ceil(bucketMs / 60_000)));
}

/** Every widget of the definition, in rows of the CloudWatch grid (24 columns). */
export function cloudWatchRowsOf(
  definition: DashboardDefinition,
  sources: CloudWatchSources,
): cloudwatch.IWidget[][] {
  const rows: cloudwatch.IWidget[][] = [];
  let row: cloudwatch.IWidget[] = [];
  let used = 0;
  for (const widget of definition.widgets.flatMap((w) => widgetsOf(w, definition, sources))) {
    const width = widget.width;
    if (used + width > gridWidth) {
      rows.push(row);
      row = [];
      used = 0;
    }
    row.push(widget);
    used += width;
  }
  if (row.length > 0) rows.push(row);
  return rows;
}

function widgetsOf(
  widget: DashboardWidget,
  definition: DashboardDefinition,
  sources: CloudWatchSources,
): cloudwatch.IWidget[] {
  const width = widthOf(widget);
  switch (widget.kind) {
    case 'device-series':
    case 'fleet-series':
      // Readings are in the lake only: EMF metrics per device or per metric value would cost a custom
      // metric per series, and logging every reading would cost more than the lake itself.
      return [new cloudwatch.TextWidget({ markdown: lakeOnlyText(widget), width, height: 4 })];
    case 'anomaly-timeline':
      return [
        new cloudwatch.GraphWidget({
          title: widget.title,
          width,
          left: (['AnomaliesRaised', 'AnomaliesCleared'] as const).map(
            (metricName) =>
              new cloudwatch.Metric({
                ...emf,
                metricName,
                statistic: 'Sum',
                period: periodFor(definition, widget.maxPoints),
              }),
          ),
        }),
      ];
    case 'anomaly-table':
      return [anomalyTable(widget, width, sources)];
    case 'device-list':
      return [deviceList(widget, width, sources)];
    case 'pipeline-health':
      return pipelineHealth(sources);
    case 'cost-estimate':
      return [
        new cloudwatch.GraphWidget({
          title: `${widget.title} (month to date, USD)`,
          width,
          // Billing metrics exist only in us-east-1, and only once billing alerts are turned on.
          // https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/monitor_estimated_charges_with_cloudwatch.html
          left: [
            new cloudwatch.Metric({
              namespace: 'AWS/Billing',
              metricName: 'EstimatedCharges',
              dimensionsMap: { Currency: 'USD' },
              statistic: 'Maximum',
              period: Duration.hours(6),
              region: 'us-east-1',
            }),
          ],
        }),
      ];
  }
}

function lakeOnlyText(widget: DeviceSeriesWidget | FleetSeriesWidget): string {
  const query = widget.kind === 'device-series' ? 'thing_series' : 'fleet_series';
  const aggregation = widget.kind === 'device-series' ? widget.aggregation : widget.aggregations.join(', ');
  return [
    `### ${widget.title}`,
    `*${widget.metric}*, ${aggregation} per bucket: the readings are in the lake, not in CloudWatch.`,
    `Chart them in Athena (workgroup \`${workgroupName}\`) with the prepared statement \`${query}\`, ` +
      'or on the local dashboard (`tributary start`).',
  ].join('\n\n');
}

function anomalyTable(widget: AnomalyTableWidget, width: number, sources: CloudWatchSources) {
  return new cloudwatch.LogQueryWidget({
    title: widget.title,
    width,
    logGroupNames: [sources.anomalyEventsLogGroupName],
    view: cloudwatch.LogQueryVisualizationType.TABLE,
    queryLines: [
      'fields detail.received_at as received_at, detail.thing_name as thing_name, detail.metric as metric, ' +
        'detail.state as state, detail.score as score, detail.value as value, detail.detector as detector',
      'sort @timestamp desc',
      `limit ${widget.maxRows}`,
    ],
  });
}

/**
 * Connection status per client id from the lifecycle events' log group. Shadows and readings never reach
 * CloudWatch, so the title says where the rest of the local list's columns are rather than dropping them.
 */
function deviceList(widget: DeviceListWidget, width: number, sources: CloudWatchSources) {
  return new cloudwatch.LogQueryWidget({
    title:
      `${widget.title}: connection status (shadow state is not in CloudWatch: GetThingShadow or ` +
      `the local dashboard; last reading: Athena latest_values)`,
    width,
    height: 8,
    logGroupNames: [sources.devicePresenceLogGroupName],
    view: cloudwatch.LogQueryVisualizationType.TABLE,
    queryLines: [
      'fields clientId, eventType, disconnectReason',
      'stats latest(eventType) as connection, latest(disconnectReason) as reason, max(@timestamp) as since by clientId',
      'sort clientId asc',
      'limit 10000',
    ],
  });
}

function pipelineHealth(sources: CloudWatchSources): cloudwatch.IWidget[] {
  const width = gridWidth / 4;
  const metric = (
    namespace: string,
    metricName: string,
    dimensionsMap: Record<string, string>,
    statistic = 'Sum',
  ) =>
    new cloudwatch.Metric({ namespace, metricName, dimensionsMap, statistic, period: Duration.minutes(1) });
  const lambda = { FunctionName: sources.enrichmentFunctionName };
  const perDeliveryStream = (metricName: string, statistic: string) =>
    sources.deliveryStreams.map(({ table, name }) =>
      metric('AWS/Firehose', metricName, { DeliveryStreamName: name }, statistic).with({ label: table }),
    );
  const emfMetric = (metricName: string) => metric(emf.namespace, metricName, emf.dimensionsMap);
  const graph = (title: string, left: cloudwatch.IMetric[]) =>
    new cloudwatch.GraphWidget({ title, width, left });
  return [
    graph('Telemetry in (records/min)', [
      metric('AWS/Kinesis', 'IncomingRecords', { StreamName: sources.telemetryStreamName }),
    ]),
    graph('Enrichment out (per min)', [emfMetric('ReadingsEnriched'), emfMetric('RecordsQuarantined')]),
    graph('Enrichment lag (iterator age, ms)', [metric('AWS/Lambda', 'IteratorAge', lambda, 'Maximum')]),
    graph('Enrichment failures', [
      metric('AWS/Lambda', 'Errors', lambda),
      metric('AWS/Lambda', 'Throttles', lambda),
      emfMetric('LakeRowsFailed'),
    ]),
    graph(
      'Lake delivery: oldest undelivered row (s)',
      perDeliveryStream('DeliveryToS3.DataFreshness', 'Maximum'),
    ),
    graph('Lake delivery: rows written to S3', perDeliveryStream('DeliveryToS3.Records', 'Sum')),
    graph(
      'Lake delivery: rows that failed Parquet conversion',
      perDeliveryStream('FailedConversion.Records', 'Sum'),
    ),
    graph('Lake queries: bytes scanned', [
      metric('AWS/Athena', 'ProcessedBytes', { WorkGroup: workgroupName }),
    ]),
  ];
}
