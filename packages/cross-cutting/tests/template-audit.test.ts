// The template audit: a deliberately bad template fails it; every stack this platform ships passes it.
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { createTributaryApp } from '@tributary/contracts/cdk';
import { defineIngestStage } from '@tributary/ingest/infra';
import { defineInsightsStage } from '@tributary/insights/infra';
import { defineStoreStage } from '@tributary/store/infra';
import { defineTransformStage } from '@tributary/transform/infra';
import { describe, expect, it } from 'vitest';
import { auditTemplate } from '../src/core/index.js';
import { defineCrossCuttingStage } from '../src/infra/index.js';

const badTemplate = {
  Resources: {
    DevicePolicy: {
      Type: 'AWS::IoT::Policy',
      Properties: { PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'iot:*', Resource: '*' }] } },
    },
    OpenBucket: { Type: 'AWS::S3::Bucket', Properties: {} },
    PlainQueue: { Type: 'AWS::SQS::Queue', Properties: {} },
    PlainStream: { Type: 'AWS::Kinesis::Stream', Properties: { ShardCount: 1 } },
  },
};

describe('auditTemplate', () => {
  it('finds an iot:* policy and unencrypted or public data resources, naming each resource', () => {
    const findings = auditTemplate('Bad', badTemplate).map((f) => `${f.resource}:${f.check}`);
    expect(findings).toEqual(
      expect.arrayContaining([
        'DevicePolicy:IoTPolicyWildcardAction',
        'DevicePolicy:IoTPolicyWildcardResource',
        'OpenBucket:UnencryptedBucket',
        'OpenBucket:PublicBucket',
        'PlainQueue:UnencryptedQueue',
        'PlainStream:UnencryptedStream',
      ]),
    );
  });

  it('passes every stack the platform ships', () => {
    const app = createTributaryApp();
    const stacks: Stack[] = [
      ...Object.values(defineIngestStage(app)),
      ...Object.values(defineTransformStage(app)),
      ...Object.values(defineStoreStage(app)),
      ...Object.values(defineInsightsStage(app)),
      ...Object.values(defineCrossCuttingStage(app)),
    ];
    const findings = stacks.flatMap((stack) =>
      auditTemplate(stack.stackName, Template.fromStack(stack).toJSON()),
    );
    expect(findings).toEqual([]);
    expect(stacks).toHaveLength(11);
  }, 60_000);
});
