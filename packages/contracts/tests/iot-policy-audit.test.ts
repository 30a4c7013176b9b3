// The IoT policy audit (pure) and the cdk-nag pack that runs it on every synth.
import { Stack } from 'aws-cdk-lib';
import * as iot from 'aws-cdk-lib/aws-iot';
import { describe, expect, it } from 'vitest';
import { createTributaryApp } from '../src/cdk/index.js';
import { auditIotPolicy } from '../src/index.js';

const arn = (resource: string) => `arn:aws:iot:eu-west-1:123456789012:${resource}`;
const policy = (...Statement: object[]) => ({ Version: '2012-10-17', Statement });
const idsOf = (document: Parameters<typeof auditIotPolicy>[0]) => auditIotPolicy(document).map((f) => f.id);

describe('auditIotPolicy', () => {
  it('passes a policy that binds each device to its own client id and topic', () => {
    const thing = '${iot:Connection.Thing.ThingName}';
    expect(
      idsOf(
        policy(
          { Effect: 'Allow', Action: 'iot:Connect', Resource: arn(`client/${thing}`) },
          { Effect: 'Allow', Action: 'iot:Publish', Resource: arn(`topic/dt/tributary/${thing}/telemetry`) },
        ),
      ),
    ).toEqual([]);
  });

  it('finds iot:* on * (Device Defender: overly permissive)', () => {
    expect(idsOf(policy({ Effect: 'Allow', Action: 'iot:*', Resource: '*' }))).toEqual(
      expect.arrayContaining(['WildcardAction', 'WildcardResource']),
    );
  });

  it('finds connect-as-anyone unless the certificate must be attached to the thing', () => {
    const anyClient = { Effect: 'Allow', Action: 'iot:Connect', Resource: arn('client/*') };
    expect(idsOf(policy(anyClient))).toEqual(['ConnectAnyClient']);
    expect(
      idsOf(policy({ ...anyClient, Condition: { Bool: { 'iot:Connection.Thing.IsAttached': 'true' } } })),
    ).toEqual([]);
  });

  it('finds fixed client ids shared by every device with the policy', () => {
    expect(
      idsOf(policy({ Effect: 'Allow', Action: ['iot:Connect'], Resource: [arn('client/sensor-1')] })),
    ).toEqual(['ConnectWithoutThingVariable']);
  });

  it('finds a Deny on an MQTT wildcard, which policies read literally', () => {
    const findings = auditIotPolicy(
      policy({ Effect: 'Deny', Action: 'iot:Subscribe', Resource: arn('topicfilter/#') }),
    );
    expect(findings.map((f) => f.id)).toEqual(['MqttWildcardInDeny']);
    expect(findings[0]?.message).toMatch(/literally/);
  });

  it('reads a policy given as JSON text', () => {
    expect(idsOf(JSON.stringify(policy({ Effect: 'Allow', Action: '*', Resource: arn('topic/*') })))).toEqual(
      ['WildcardAction'],
    );
  });
});

describe('the IoT policy rule pack on synth', () => {
  it('fails a synth with iot:* on *, naming the rule', () => {
    const app = createTributaryApp();
    new iot.CfnPolicy(new Stack(app, 'BadPolicy'), 'Policy', {
      policyDocument: policy({ Effect: 'Allow', Action: 'iot:*', Resource: '*' }),
    });
    expect(() => app.synth()).toThrow(/TributaryIoT-WildcardAction/);
  });

  it('audits ARNs built from CloudFormation pseudo parameters', () => {
    const app = createTributaryApp();
    const stack = new Stack(app, 'TokenPolicy');
    new iot.CfnPolicy(stack, 'Policy', {
      policyDocument: policy({
        Effect: 'Allow',
        Action: 'iot:Connect',
        Resource: `arn:${stack.partition}:iot:${stack.region}:${stack.account}:client/*`,
      }),
    });
    expect(() => app.synth()).toThrow(/TributaryIoT-ConnectAnyClient/);
  });
});
