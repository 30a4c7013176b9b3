// Parsing refuses, with a typed error naming what to change, every document AWS would reject and every
// feature the local evaluator does not model (DESIGN §5: never silently differ from AWS).
import { describe, expect, it } from 'vitest';
import {
  InvalidIotPolicyError,
  parseIotPolicy,
  UnsupportedPolicyFeatureError,
} from '../../src/core/iot-policy/index.js';
import { allow, arnPrefix } from './fixtures.js';

const withStatement = (statement: object) => ({ Version: '2012-10-17', Statement: [statement] });
const topicA = `${arnPrefix}:topic/a`;

const parseError = (document: unknown): Error => {
  try {
    parseIotPolicy('p', document);
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the policy to be refused');
};

describe('parseIotPolicy accepts AWS IoT policy documents (iot-policies.html)', () => {
  it('accepts JSON text, a single Statement object and a Sid, and keeps the validated document', () => {
    const text = JSON.stringify({
      Version: '2012-10-17',
      Statement: { Sid: 'connect', Effect: 'Allow', Action: ['iot:Connect'], Resource: ['*'] },
    });
    const compiled = parseIotPolicy('text-policy', text);
    expect(compiled.name).toBe('text-policy');
    expect(compiled.statements).toHaveLength(1);
    expect(compiled.statements[0]).toMatchObject({ index: 0, sid: 'connect', effect: 'Allow' });
    expect(compiled.document.Version).toBe('2012-10-17');
  });

  it('accepts the thing-policy-examples.html documents unchanged', () => {
    const documents = [
      withStatement({
        Effect: 'Allow',
        Action: ['iot:Connect'],
        Resource: ['*'],
        Condition: { Bool: { 'iot:Connection.Thing.IsAttached': ['true'] } },
      }),
      withStatement({
        Effect: 'Allow',
        Action: ['iot:Publish'],
        Resource: 'arn:aws:iot:us-east-1:123456789012:topic/device/stats',
        Condition: {
          StringEquals: {
            'iot:Connection.Thing.Attributes[attributeName]': 'attributeValue',
            'iot:Connection.Thing.ThingTypeName': 'Thing_Type_Name',
          },
          Bool: { 'iot:Connection.Thing.IsAttached': 'true' },
        },
      }),
    ];
    for (const document of documents) expect(() => parseIotPolicy('example', document)).not.toThrow();
  });
});

describe('parseIotPolicy refuses invalid documents with InvalidIotPolicyError', () => {
  it.each([
    ['text that is not JSON', '{"Version": ', /not JSON/],
    ['an unknown Version', { Version: '2020-01-01', Statement: [allow('iot:Connect', '*')] }, /Version/],
    [
      'a lower-case Effect',
      withStatement({ Effect: 'allow', Action: 'iot:Connect', Resource: '*' }),
      /Effect/,
    ],
    ['a statement without Resource', withStatement({ Effect: 'Allow', Action: 'iot:Connect' }), /Resource/],
    ['an empty Statement list', { Version: '2012-10-17', Statement: [] }, /Statement/],
    ['a Principal element', withStatement({ ...allow('iot:Connect', '*'), Principal: '*' }), /Principal/],
    [
      'a misspelt action',
      withStatement(allow(['iot:Connect', 'iot:Publsh'], '*')),
      /Statement\[0\]\.Action.*iot:Publsh/,
    ],
    ['a non-IoT action', withStatement(allow('s3:GetObject', '*')), /not an AWS IoT action/],
    [
      'a resource that is not an ARN',
      withStatement(allow('iot:Publish', 'topic/a')),
      /not an AWS IoT resource/,
    ],
    [
      'a variable before the resource part of the ARN',
      withStatement(allow('iot:Publish', 'arn:aws:iot:${iot:ClientId}:123456789012:topic/a')),
      /after the fifth colon/,
    ],
    [
      'an unclosed variable',
      withStatement(allow('iot:Publish', `${arnPrefix}:topic/\${iot:ClientId`)),
      /never closes/,
    ],
    [
      'the old ${iot:Thing.ThingName} variable',
      withStatement(allow('iot:Publish', `${arnPrefix}:topic/\${iot:Thing.ThingName}`)),
      /did you mean iot:Connection\.Thing\.ThingName/,
    ],
    [
      'an unknown condition key',
      withStatement(allow('iot:Connect', '*', { StringEquals: { 'iot:Connection.Thing.Name': 'x' } })),
      /Statement\[0\]\.Condition.*iot:Connection\.Thing\.Name/,
    ],
    [
      'an unknown condition operator',
      withStatement(allow('iot:Connect', '*', { StringEqual: { 'iot:ClientId': 'x' } })),
      /unknown condition operator "StringEqual"/,
    ],
    [
      'a Bool value other than true/false',
      withStatement(allow('iot:Connect', '*', { Bool: { 'iot:Connection.Thing.IsAttached': 'yes' } })),
      /"true" or "false"/,
    ],
  ])('refuses %s', (_case, document, message) => {
    const error = parseError(document);
    expect(error).toBeInstanceOf(InvalidIotPolicyError);
    expect(error).toMatchObject({ code: 'INVALID_IOT_POLICY', policyName: 'p' });
    expect(error.message).toMatch(message);
  });
});

describe('parseIotPolicy refuses what it does not evaluate with UnsupportedPolicyFeatureError', () => {
  it.each([
    [
      'a missing Version (variables would be literal text)',
      { Statement: [allow('iot:Connect', '*')] },
      /2012-10-17/,
    ],
    ['Version 2008-10-17', { Version: '2008-10-17', Statement: [allow('iot:Connect', '*')] }, /2012-10-17/],
    ['NotAction', withStatement({ Effect: 'Deny', NotAction: 'iot:Connect', Resource: '*' }), /NotAction/],
    [
      'NotResource',
      withStatement({ Effect: 'Allow', Action: 'iot:Publish', NotResource: topicA }),
      /NotResource/,
    ],
    [
      'a numeric condition',
      withStatement(allow('iot:Connect', '*', { NumericLessThan: { 'iot:ClientId': 3 } })),
      /NumericLessThan/,
    ],
    [
      'a ForAnyValue condition on a .List key',
      withStatement(
        allow('iot:Publish', topicA, {
          'ForAllValues:StringEquals': { 'iot:Certificate.Subject.Organization.List': ['Example Corp'] },
        }),
      ),
      /multi-valued/,
    ],
    [
      'aws:SourceIp',
      withStatement(allow('iot:Connect', '*', { StringEquals: { 'aws:SourceIp': '10.0.0.1' } })),
      /aws:SourceIp/,
    ],
    [
      'a certificate alternative name',
      withStatement(
        allow('iot:Publish', `${arnPrefix}:topic/\${iot:Certificate.Subject.AlternativeName.DNSName}`),
      ),
      /AlternativeName/,
    ],
    [
      'a variable default value',
      withStatement(allow('iot:Publish', `${arnPrefix}:topic/\${iot:ClientId, 'anonymous'}`)),
      /default values/,
    ],
  ])('refuses %s', (_case, document, message) => {
    const error = parseError(document);
    expect(error).toBeInstanceOf(UnsupportedPolicyFeatureError);
    expect(error).toMatchObject({ code: 'UNSUPPORTED_IOT_POLICY_FEATURE', policyName: 'p' });
    expect(error.message).toMatch(message);
  });
});
