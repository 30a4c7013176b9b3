// The building blocks every stage encrypts and logs with, configured once: a rotating customer-managed
// KMS key, and the access-log bucket of a data bucket.
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { acknowledge } from './tributary-app.js';

/** A customer-managed key with yearly rotation, kept when its stack is deleted (data may outlive it). */
export function rotatingKey(scope: Construct, id: string, description: string): kms.Key {
  return new kms.Key(scope, id, {
    description,
    enableKeyRotation: true,
    removalPolicy: RemovalPolicy.RETAIN,
  });
}

/** A private, TLS-only bucket that receives the S3 server access logs of `loggedBucket` for a year. */
export function accessLogsBucket(scope: Construct, id: string, loggedBucket: string): s3.Bucket {
  const bucket = new s3.Bucket(scope, id, {
    encryption: s3.BucketEncryption.S3_MANAGED,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
    lifecycleRules: [{ expiration: Duration.days(365) }],
    removalPolicy: RemovalPolicy.RETAIN,
  });
  acknowledge(bucket, {
    id: 'AwsSolutions-S1',
    reason: `This is the access-log bucket of the ${loggedBucket}; logging its own access would recurse.`,
  });
  return bucket;
}
