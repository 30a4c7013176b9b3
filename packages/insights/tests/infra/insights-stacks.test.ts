// The Insights stage's CloudFormation, asserted with aws-cdk-lib/assertions; cdk-nag runs on synth.
import { Match, Template } from 'aws-cdk-lib/assertions';
import { deliveryStreamParameterOf, parameters } from '@tributary/contracts';
import { createTributaryApp } from '@tributary/contracts/cdk';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultDashboard } from '../../src/core/dashboard-definition.js';
import { namedQueries } from '../../src/core/named-queries.js';
import { defineInsightsStage } from '../../src/infra/index.js';

let analytics: Template;
let dashboard: Template;

beforeAll(() => {
  const app = createTributaryApp();
  const stage = defineInsightsStage(app, { bytesScannedCutoffPerQuery: 1024 ** 3 });
  app.synth(); // throws on an unacknowledged AwsSolutions finding
  analytics = Template.fromStack(stage.analytics);
  dashboard = Template.fromStack(stage.dashboard);
});

describe('AnalyticsStack', () => {
  it('enforces its workgroup settings: KMS-encrypted results and a bytes-scanned cutoff per query', () => {
    analytics.hasResourceProperties('AWS::Athena::WorkGroup', {
      WorkGroupConfiguration: Match.objectLike({
        EnforceWorkGroupConfiguration: true,
        BytesScannedCutoffPerQuery: 1024 ** 3,
        ResultConfiguration: Match.objectLike({
          EncryptionConfiguration: Match.objectLike({ EncryptionOption: 'SSE_KMS' }),
        }),
      }),
    });
  });

  it('offers the same named queries as the local dashboard, with the same SQL', () => {
    for (const [name, query] of Object.entries(namedQueries)) {
      analytics.hasResourceProperties('AWS::Athena::PreparedStatement', {
        StatementName: name,
        QueryStatement: query.sql,
      });
    }
  });

  it('queries the Glue database Store publishes', () => {
    const defaults = Object.values(
      analytics.toJSON()['Parameters'] as Record<string, { Default?: string }>,
    ).map((p) => p.Default);
    expect(defaults).toContain(parameters.store.glueDatabaseName.name);
  });
});

describe('DashboardStack', () => {
  it('charts the telemetry stream, the enrichment Lambda and Athena, by names read through SSM', () => {
    dashboard.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    const body = JSON.stringify(dashboard.findResources('AWS::CloudWatch::Dashboard'));
    for (const metricName of [
      'IncomingRecords',
      'IteratorAge',
      'Errors',
      'ProcessedBytes',
      'DeliveryToS3.DataFreshness',
      'FailedConversion.Records',
    ]) {
      expect(body).toContain(metricName);
    }
    const defaults = Object.values(
      dashboard.toJSON()['Parameters'] as Record<string, { Default?: string }>,
    ).map((p) => p.Default);
    expect(defaults).toEqual(
      expect.arrayContaining([
        parameters.transform.telemetryStreamName.name,
        parameters.transform.enrichmentFunctionName.name,
        deliveryStreamParameterOf('telemetry').name,
      ]),
    );
  });
});

/** The dashboard body with every token (SSM values, refs) replaced by its logical id, as parsed JSON. */
function dashboardBody(): {
  widgets: { type: string; width: number; properties: Record<string, unknown> }[];
} {
  const [resource] = Object.values(dashboard.findResources('AWS::CloudWatch::Dashboard')) as {
    Properties: { DashboardBody: { 'Fn::Join': [string, unknown[]] } };
  }[];
  const parts = resource!.Properties.DashboardBody['Fn::Join'][1];
  const text = parts
    .map((part) => (typeof part === 'string' ? part : `TOKEN:${(part as { Ref?: string }).Ref ?? 'other'}`))
    .join('');
  return JSON.parse(text);
}

const emfMetricNames = [
  'ReadingsEnriched',
  'RecordsQuarantined',
  'AnomaliesRaised',
  'AnomaliesCleared',
  'LakeRowsFailed',
];

describe('DashboardStack renders the dashboard definition', () => {
  it('has a widget for every widget of the definition, in its order', () => {
    const text = JSON.stringify(dashboardBody().widgets);
    const positions = defaultDashboard.widgets
      .filter((widget) => widget.kind !== 'pipeline-health')
      .map((widget) => text.indexOf(widget.title));
    expect(positions.every((position) => position >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    // Widths follow the definition: half is 12 of CloudWatch's 24 columns.
    const deviceList = dashboardBody().widgets.find((w) =>
      String(w.properties['title']).startsWith('Devices'),
    );
    expect(deviceList?.width).toBe(24);
  });

  it("charts the Enrichment Lambda's EMF metrics: namespace Tributary, dimension stage=transform", () => {
    const metrics = dashboardBody()
      .widgets.filter((w) => w.type === 'metric')
      .flatMap((w) => w.properties['metrics'] as unknown[][]);
    for (const name of emfMetricNames) {
      expect(metrics).toContainEqual(['Tributary', name, 'stage', 'transform', expect.anything()]);
    }
  });

  it('lists anomalies and device connections with Logs Insights over the log groups it fills', () => {
    const queries = dashboardBody()
      .widgets.filter((w) => w.type === 'log')
      .map((w) => String(w.properties['query']));
    const [anomalyLog] = Object.keys(
      dashboard.findResources('AWS::Logs::LogGroup', {
        Properties: { LogGroupName: Match.stringLikeRegexp('^/aws/events/') },
      }),
    );
    expect(queries).toContainEqual(
      expect.stringMatching(new RegExp(`^SOURCE 'TOKEN:${anomalyLog}' \\| fields detail\\.received_at`)),
    );
    expect(queries).toContainEqual(
      expect.stringMatching(/stats latest\(eventType\) as connection.* by clientId/),
    );
    // Anomaly events reach their log group from Transform's bus, found through SSM.
    dashboard.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: { Ref: Match.stringLikeRegexp('tributarytransformanomalyeventbusname') },
      Targets: [Match.objectLike({ Arn: Match.objectLike({ 'Fn::Join': Match.anyValue() }) })],
    });
    expect(JSON.stringify(dashboard.findResources('AWS::Logs::ResourcePolicy'))).toContain(
      'events.amazonaws.com',
    );
    // Connects and disconnects reach theirs through an IoT rule on the lifecycle topics.
    dashboard.hasResourceProperties('AWS::IoT::TopicRule', {
      TopicRulePayload: Match.objectLike({
        Sql: "SELECT * FROM '$aws/events/presence/+/+'",
        Actions: [{ CloudwatchLogs: Match.objectLike({ LogGroupName: Match.anyValue() }) }],
      }),
    });
  });

  it('says where per-device and fleet series are, since CloudWatch holds no readings', () => {
    const texts = dashboardBody()
      .widgets.filter((w) => w.type === 'text')
      .map((w) => String(w.properties['markdown']));
    const seriesWidgets = defaultDashboard.widgets.filter(
      (w) => w.kind === 'device-series' || w.kind === 'fleet-series',
    );
    expect(texts).toHaveLength(seriesWidgets.length);
    expect(texts[0]).toMatch(/in the lake.*thing_series/s);
  });

  it('charts the estimated charges from AWS/Billing, which exists only in us-east-1', () => {
    const cost = dashboardBody().widgets.find((w) => JSON.stringify(w).includes('EstimatedCharges'));
    expect(cost?.properties['metrics']).toEqual([
      [
        'AWS/Billing',
        'EstimatedCharges',
        'Currency',
        'USD',
        expect.objectContaining({ region: 'us-east-1' }),
      ],
    ]);
  });
});
