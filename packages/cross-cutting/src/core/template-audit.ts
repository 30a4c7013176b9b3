// Device Defender-style checks over synthesized CloudFormation templates, so CI can gate on them:
// overly permissive IoT policies (the same audit the TributaryIoT cdk-nag pack runs) and data resources
// left unencrypted or public. Pure: a template in, findings out.
import { auditIotPolicy, flattenIntrinsics } from '@tributary/contracts';

export interface AuditFinding {
  /** The template (stack) the resource is in. */
  readonly template: string;
  /** The resource's logical id. */
  readonly resource: string;
  readonly check: string;
  readonly message: string;
}

interface Resource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
}

type ResourceCheck = (properties: Record<string, unknown>) => { check: string; message: string }[];

const bucketChecks: ResourceCheck = (p) => {
  const findings = [];
  if (!p['BucketEncryption'])
    findings.push({ check: 'UnencryptedBucket', message: 'S3 bucket without default encryption.' });
  const block = p['PublicAccessBlockConfiguration'] as Record<string, unknown> | undefined;
  const blocked = ['BlockPublicAcls', 'BlockPublicPolicy', 'IgnorePublicAcls', 'RestrictPublicBuckets'].every(
    (key) => block?.[key] === true,
  );
  if (!blocked)
    findings.push({ check: 'PublicBucket', message: 'S3 bucket without all four public-access blocks.' });
  return findings;
};

const encryptedWhen =
  (check: string, what: string, encrypted: (p: Record<string, unknown>) => boolean): ResourceCheck =>
  (p) =>
    encrypted(p) ? [] : [{ check, message: `${what} without encryption at rest.` }];

const checksByType: Record<string, ResourceCheck> = {
  'AWS::IoT::Policy': (p) =>
    auditIotPolicy(flattenIntrinsics(p['PolicyDocument']) as Parameters<typeof auditIotPolicy>[0]).map(
      (f) => ({
        check: `IoTPolicy${f.id}`,
        message: f.message,
      }),
    ),
  'AWS::S3::Bucket': bucketChecks,
  'AWS::SQS::Queue': encryptedWhen(
    'UnencryptedQueue',
    'SQS queue',
    (p) => !!p['KmsMasterKeyId'] || p['SqsManagedSseEnabled'] === true,
  ),
  'AWS::SNS::Topic': encryptedWhen('UnencryptedTopic', 'SNS topic', (p) => !!p['KmsMasterKeyId']),
  'AWS::Kinesis::Stream': encryptedWhen(
    'UnencryptedStream',
    'Kinesis stream',
    (p) => !!p['StreamEncryption'],
  ),
  'AWS::DynamoDB::GlobalTable': encryptedWhen(
    'UnencryptedTable',
    'DynamoDB table',
    (p) => (p['SSESpecification'] as { SSEEnabled?: boolean } | undefined)?.SSEEnabled === true,
  ),
};

export function auditTemplate(
  templateName: string,
  template: { Resources?: Record<string, Resource> },
): AuditFinding[] {
  return Object.entries(template.Resources ?? {}).flatMap(([logicalId, resource]) =>
    (checksByType[resource.Type]?.(resource.Properties ?? {}) ?? []).map((finding) => ({
      template: templateName,
      resource: logicalId,
      ...finding,
    })),
  );
}
