// The AWS rollups in DataLakeStack's CloudFormation: an hourly schedule runs a Lambda that UNLOADs through
// its own enforced, encrypted Athena workgroup, with write access to the rollup tables only.
import { Match, Template } from 'aws-cdk-lib/assertions';
import { createTributaryApp } from '@tributary/contracts/cdk';
import { beforeAll, describe, expect, it } from 'vitest';
import { defineStoreStage } from '../../src/infra/index.js';

let lake: Template;

beforeAll(() => {
  const app = createTributaryApp();
  const stage = defineStoreStage(app);
  app.synth(); // throws on an unacknowledged AwsSolutions finding
  lake = Template.fromStack(stage.dataLake);
});

const rollupFunction = () => {
  const functions = lake.findResources('AWS::Lambda::Function', {
    Properties: { Environment: { Variables: Match.objectLike({ ROLLUP_WORK_GROUP: Match.anyValue() }) } },
  });
  expect(Object.keys(functions)).toHaveLength(1);
  return Object.entries(functions)[0]!;
};

describe('DataLakeStack hourly rollups', () => {
  it('runs the rollup Lambda every hour, 20 minutes past, with retries', () => {
    const [functionId] = rollupFunction();
    lake.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'cron(20 * * * ? *)',
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [functionId, 'Arn'] },
          RetryPolicy: { MaximumRetryAttempts: 2 },
        }),
      ],
    });
  });

  it('queries through its own workgroup: enforced, KMS-encrypted results in the lake bucket, a scan cutoff', () => {
    lake.hasResourceProperties('AWS::Athena::WorkGroup', {
      Name: 'tributary-lake-rollups',
      WorkGroupConfiguration: Match.objectLike({
        EnforceWorkGroupConfiguration: true,
        BytesScannedCutoffPerQuery: 100 * 1024 ** 3,
        ResultConfiguration: Match.objectLike({
          EncryptionConfiguration: Match.objectLike({ EncryptionOption: 'SSE_KMS' }),
        }),
      }),
    });
    const [, fn] = rollupFunction();
    expect(fn['Properties']['Environment']['Variables']).toMatchObject({
      ROLLUP_WORK_GROUP: 'tributary-lake-rollups',
      LAKE_DATABASE: 'tributary_lake',
    });
  });

  it('may write the rollup tables and its query results, and nothing else of the lake', () => {
    const [, fn] = rollupFunction();
    const roleId = (fn['Properties']['Role'] as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const policies = JSON.stringify(
      lake.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: roleId }] } }),
    );
    const writes = [
      ...policies.matchAll(
        /"s3:PutObject"[^\]]*?\],"Effect":"Allow","Resource":\{"Fn::Join":\["",\[\{"Fn::GetAtt":\["[^"]+","Arn"\]\},"\/([^"]+)"/g,
      ),
    ].map((match) => match[1]);
    expect(writes.sort()).toEqual(['athena-results/rollups/*', 'telemetry_1h/*', 'telemetry_1m/*']);
  });
});
