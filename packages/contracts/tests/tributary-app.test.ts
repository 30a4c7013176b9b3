// Every synth runs cdk-nag's AwsSolutions pack: an unacknowledged finding fails it, an acknowledged one
// (with its reason) does not.
import { Stack } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { describe, expect, it } from 'vitest';
import { acknowledge, createTributaryApp } from '../src/cdk/index.js';

function appWithUnencryptedQueue(acknowledged: boolean) {
  const app = createTributaryApp();
  const stack = new Stack(app, 'NagProbe');
  const queue = new sqs.Queue(stack, 'Queue', { encryption: sqs.QueueEncryption.UNENCRYPTED });
  if (acknowledged) {
    for (const id of ['AwsSolutions-SQS2', 'AwsSolutions-SQS3', 'AwsSolutions-SQS4']) {
      acknowledge(queue, { id, reason: 'a probe for this test' });
    }
  }
  return app;
}

describe('createTributaryApp', () => {
  it('fails synth on an unacknowledged AwsSolutions finding, naming the rule', () => {
    expect(() => appWithUnencryptedQueue(false).synth()).toThrow(/AwsSolutions-SQS4/);
  });

  it('synthesizes once every finding is acknowledged with a reason', () => {
    expect(() => appWithUnencryptedQueue(true).synth()).not.toThrow();
  });
});
