// The Insights stage's CloudFormation, asserted with aws-cdk-lib/assertions; cdk-nag runs on synth.
import { Match, Template } from 'aws-cdk-lib/assertions';
import { deliveryStreamParameterOf, parameters } from '@tributary/contracts';
import { createTributaryApp } from '@tributary/contracts/cdk';
import { beforeAll, describe, expect, it } from 'vitest';
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
