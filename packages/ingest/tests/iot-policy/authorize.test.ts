// How a request is matched: actions, resource wildcards and escapes, policy variables and conditions,
// each as the AWS IoT (and, where IoT defers to it, IAM) documentation describes.
import { describe, expect, it } from 'vitest';
import {
  authorizationRequestFor,
  certificateNamesFrom,
  iotResourceArn,
} from '../../src/core/iot-policy/index.js';
import {
  allow,
  allowed,
  arnPrefix,
  attachedAs,
  decide,
  deny,
  location,
  policy,
  pump7,
  unattached,
} from './fixtures.js';

const publish = (topic: string) => ({ action: 'iot:Publish', topic }) as const;
const c1 = unattached('c1');

describe('actions (iot-policy-actions.html; IAM reference_policies_elements_action.html)', () => {
  it('matches iot:* and * against every action, and iot:Pub* only against Publish', () => {
    const everyTopic = `${arnPrefix}:topic*`;
    expect(allowed(policy([allow('iot:*', '*')]), publish('a'), c1)).toBe(true);
    expect(allowed(policy([allow('*', '*')]), { action: 'iot:Receive', topic: 'a' }, c1)).toBe(true);
    const pubStar = policy([allow('iot:Pub*', everyTopic)]);
    expect(allowed(pubStar, publish('a'), c1)).toBe(true);
    expect(allowed(pubStar, { action: 'iot:Receive', topic: 'a' }, c1)).toBe(false);
  });

  it('matches action names case-insensitively, as IAM does', () => {
    expect(allowed(policy([allow('IOT:publish', '*')]), publish('a'), c1)).toBe(true);
    expect(allowed(policy([allow('iot:?ECEIVE', '*')]), { action: 'iot:Receive', topic: 'a' }, c1)).toBe(
      true,
    );
  });

  it('does not let iot:Publish grant iot:RetainPublish: a retained publish needs both (retained-message-policy-examples)', () => {
    const publishOnly = policy([allow('iot:Publish', `${arnPrefix}:topic/a`)]);
    expect(allowed(publishOnly, { action: 'iot:RetainPublish', topic: 'a' }, c1)).toBe(false);
  });
});

describe('resource wildcards (iot-policy-variables.html, pub-sub-policy.html)', () => {
  it('lets * in the resource part span topic levels', () => {
    const below = policy([allow('iot:Publish', `${arnPrefix}:topic/a/*`)]);
    expect(allowed(below, publish('a/b/c:d'), c1)).toBe(true);
    expect(allowed(below, publish('b/a'), c1)).toBe(false);
  });

  it('lets ? stand for exactly one character', () => {
    const one = policy([allow('iot:Publish', `${arnPrefix}:topic/room?`)]);
    expect(allowed(one, publish('room1'), c1)).toBe(true);
    expect(allowed(one, publish('room12'), c1)).toBe(false);
  });

  it('reads + literally: topicfilter/some/+/topic allows exactly that filter, not some/x/topic', () => {
    const plus = policy([allow('iot:Subscribe', `${arnPrefix}:topicfilter/some/+/topic`)]);
    expect(allowed(plus, { action: 'iot:Subscribe', topicFilter: 'some/+/topic' }, c1)).toBe(true);
    expect(allowed(plus, { action: 'iot:Subscribe', topicFilter: 'some/x/topic' }, c1)).toBe(false);
  });

  it('keeps a wildcard inside its ARN segment unless it ends the segment (IAM reference_policies_elements_resource.html)', () => {
    const anyRegion = policy([allow('iot:Publish', 'arn:aws:iot:*:123456789012:topic/a')]);
    expect(allowed(anyRegion, publish('a'), c1)).toBe(true);
    const euRegions = policy([allow('iot:Publish', 'arn:aws:iot:eu-*-1:123456789012:topic/a')]);
    expect(allowed(euRegions, publish('a'), c1)).toBe(true);
    expect(allowed(euRegions, publish('a'), { ...c1, region: 'us-east-1' })).toBe(false);
    const otherAccount = policy([allow('iot:Publish', 'arn:aws:iot:eu-west-1:999999999999:topic/a')]);
    expect(allowed(otherAccount, publish('a'), c1)).toBe(false);
    const midSegment = policy([
      allow('iot:Connect', '*', { ArnLike: { 'iot:ClientId': 'arn:aws:iot:eu-*1:1:client/x' } }),
    ]);
    const connectAs = (clientId: string) =>
      allowed(midSegment, { action: 'iot:Connect', clientId }, unattached(clientId));
    expect(connectAs('arn:aws:iot:eu-west-1:1:client/x')).toBe(true);
    expect(connectAs('arn:aws:iot:eu-a:b1:1:client/x')).toBe(false);
  });

  it('allows every resource with Resource "*"', () => {
    expect(
      allowed(policy([allow('iot:Connect', '*')]), { action: 'iot:Connect', clientId: 'anything' }, c1),
    ).toBe(true);
  });

  it('matches $(*), $(?) and $($) as the literal characters (iot-policy-variables.html)', () => {
    const star = policy([allow('iot:Publish', `${arnPrefix}:topic/a/$(*)`)]);
    expect(allowed(star, publish('a/*'), c1)).toBe(true);
    expect(allowed(star, publish('a/b'), c1)).toBe(false);
    const question = policy([allow('iot:Publish', `${arnPrefix}:topic/a/$(?)`)]);
    expect(allowed(question, publish('a/?'), c1)).toBe(true);
    expect(allowed(question, publish('a/b'), c1)).toBe(false);
    const dollar = policy([allow('iot:Publish', `${arnPrefix}:topic/$($)x`)]);
    expect(allowed(dollar, publish('$x'), c1)).toBe(true);
  });

  it('accepts the IAM spelling ${*} of the same escape', () => {
    const star = policy([allow('iot:Publish', `${arnPrefix}:topic/a/\${*}`)]);
    expect(allowed(star, publish('a/*'), c1)).toBe(true);
    expect(allowed(star, publish('a/b'), c1)).toBe(false);
  });
});

describe('policy variables (basic-, thing- and cert-policy-variables.html)', () => {
  it('substitutes ${iot:ClientId}, and a client id of * stays a literal star', () => {
    const ownTopic = policy([allow('iot:Publish', `${arnPrefix}:topic/c/\${iot:ClientId}`)]);
    expect(allowed(ownTopic, publish('c/c1'), c1)).toBe(true);
    expect(allowed(ownTopic, publish('c/c2'), c1)).toBe(false);
    expect(allowed(ownTopic, publish('c/*'), unattached('*'))).toBe(true);
    expect(allowed(ownTopic, publish('c/x'), unattached('*'))).toBe(false);
  });

  it('substitutes ${iot:Connection.Thing.Attributes[site]} and denies a thing without the attribute', () => {
    const bySite = policy([
      allow('iot:Publish', `${arnPrefix}:topic/site/\${iot:Connection.Thing.Attributes[site]}/*`),
    ]);
    expect(allowed(bySite, publish('site/plant-north/x'), attachedAs())).toBe(true);
    expect(allowed(bySite, publish('site/plant-south/x'), attachedAs())).toBe(false);
    expect(allowed(bySite, publish('site/plant-north/x'), attachedAs({ ...pump7, attributes: {} }))).toBe(
      false,
    );
  });

  it('leaves thing variables unresolved when the client id is not the attached thing name', () => {
    const own = policy([allow('iot:Publish', `${arnPrefix}:topic/\${iot:Connection.Thing.ThingName}/x`)]);
    expect(allowed(own, publish('pump-7/x'), attachedAs(pump7, 'pump-7'))).toBe(true);
    expect(allowed(own, publish('pump-7/x'), attachedAs(pump7, 'other-client'))).toBe(false);
  });

  it('substitutes ${iot:Certificate.Subject.CommonName}, but not a value holding a wildcard', () => {
    const byCommonName = policy([
      allow('iot:Connect', `${arnPrefix}:client/\${iot:Certificate.Subject.CommonName}`),
    ]);
    const withCommonName = (commonName: string) => ({
      ...unattached('sensor-1'),
      certificate: { subject: { CommonName: commonName }, issuer: { CommonName: 'Local CA' } },
    });
    const connect = { action: 'iot:Connect', clientId: 'sensor-1' } as const;
    expect(allowed(byCommonName, connect, withCommonName('sensor-1'))).toBe(true);
    expect(allowed(byCommonName, connect, withCommonName('sensor-2'))).toBe(false);
    expect(allowed(byCommonName, connect, withCommonName('sensor-*'))).toBe(false);
    expect(allowed(byCommonName, connect, unattached('sensor-1'))).toBe(false);
  });

  it('names a TLS peer certificate as the certificate variables do, first value of a multi-valued attribute', () => {
    // The shape Node's TLSSocket.getPeerCertificate().subject has for such a certificate.
    const peerSubject = {
      CN: 'pump-7',
      O: ['Example Corp', 'AnyCompany'],
      OU: 'Plant',
      C: 'DE',
      SN: 'Smith',
    };
    const subject = certificateNamesFrom(peerSubject);
    expect(subject).toEqual({
      CommonName: 'pump-7',
      Organization: 'Example Corp',
      OrganizationalUnit: 'Plant',
      Country: 'DE',
      Surname: 'Smith',
    });
    const byOrganization = policy([
      allow('iot:Publish', `${arnPrefix}:topic/org/\${iot:Certificate.Subject.Organization}/*`),
    ]);
    const context = { ...attachedAs(), certificate: { subject, issuer: {} } };
    expect(allowed(byOrganization, publish('org/Example Corp/x'), context)).toBe(true);
    expect(allowed(byOrganization, publish('org/AnyCompany/x'), context)).toBe(false);
  });

  it('does not apply a Deny whose resource holds an unresolved variable (IAM: it matches nothing)', () => {
    const statements = [
      allow('iot:Publish', `${arnPrefix}:topic/*`),
      deny('iot:Publish', `${arnPrefix}:topic/\${iot:Connection.Thing.ThingName}/blocked`),
    ];
    expect(allowed(policy(statements), publish('pump-7/blocked'), attachedAs())).toBe(false);
    expect(allowed(policy(statements), publish('pump-7/blocked'), unattached('pump-7'))).toBe(true);
  });

  it('denies unattached certificates outright with a Deny on IsAttached "false"', () => {
    const statements = [
      allow('iot:Publish', `${arnPrefix}:topic/*`),
      deny('iot:*', '*', { Bool: { 'iot:Connection.Thing.IsAttached': 'false' } }),
    ];
    expect(allowed(policy(statements), publish('a'), attachedAs())).toBe(true);
    expect(allowed(policy(statements), publish('a'), unattached('pump-7'))).toBe(false);
  });
});

describe('conditions (thing-policy-examples.html; IAM reference_policies_elements_condition_operators.html)', () => {
  const connect = { action: 'iot:Connect', clientId: 'pump-7' } as const;
  const connectIf = (condition: object) => policy([allow('iot:Connect', '*', condition)]);

  it('connects only an attached certificate with Bool iot:Connection.Thing.IsAttached "true"', () => {
    const attachedOnly = connectIf({ Bool: { 'iot:Connection.Thing.IsAttached': ['true'] } });
    expect(allowed(attachedOnly, connect, attachedAs())).toBe(true);
    expect(allowed(attachedOnly, connect, unattached('pump-7'))).toBe(false);
  });

  it('requires every operator and key to hold: thing type and attribute with StringEquals', () => {
    const typed = connectIf({
      StringEquals: {
        'iot:Connection.Thing.ThingTypeName': 'environment-sensor',
        'iot:Connection.Thing.Attributes[site]': 'plant-north',
      },
      Bool: { 'iot:Connection.Thing.IsAttached': true },
    });
    expect(allowed(typed, connect, attachedAs())).toBe(true);
    expect(allowed(typed, connect, attachedAs({ ...pump7, thingTypeName: 'valve' }))).toBe(false);
    expect(allowed(typed, connect, attachedAs({ ...pump7, attributes: { site: 'plant-south' } }))).toBe(
      false,
    );
    const { thingTypeName: _untyped, ...untypedPump } = pump7;
    expect(allowed(typed, connect, attachedAs(untypedPump))).toBe(false);
  });

  it('ORs the values of one key and matches StringLike wildcards', () => {
    const pumps = connectIf({ StringLike: { 'iot:ClientId': ['valve-*', 'pump-?'] } });
    expect(allowed(pumps, connect, attachedAs())).toBe(true);
    expect(allowed(pumps, { action: 'iot:Connect', clientId: 'pump-77' }, unattached('pump-77'))).toBe(false);
  });

  it('treats a missing key as failing StringEquals, passing StringNotEquals and passing ...IfExists', () => {
    const typeKey = 'iot:Connection.Thing.ThingTypeName';
    expect(allowed(connectIf({ StringEquals: { [typeKey]: 'valve' } }), connect, unattached('pump-7'))).toBe(
      false,
    );
    expect(
      allowed(connectIf({ StringNotEquals: { [typeKey]: 'valve' } }), connect, unattached('pump-7')),
    ).toBe(true);
    const ifExists = connectIf({ StringEqualsIfExists: { [typeKey]: 'valve' } });
    expect(allowed(ifExists, connect, unattached('pump-7'))).toBe(true);
    expect(allowed(ifExists, connect, attachedAs())).toBe(false);
  });

  it('requires a negated operator to match none of its values', () => {
    const notValves = connectIf({ StringNotLike: { 'iot:ClientId': ['valve-*', 'gate-*'] } });
    expect(allowed(notValves, connect, attachedAs())).toBe(true);
    expect(allowed(notValves, { action: 'iot:Connect', clientId: 'gate-1' }, unattached('gate-1'))).toBe(
      false,
    );
  });

  it('substitutes policy variables in condition values', () => {
    const sameName = connectIf({ StringEquals: { 'iot:ClientId': '${iot:Certificate.Subject.CommonName}' } });
    const context = { ...attachedAs(), certificate: { subject: { CommonName: 'pump-7' }, issuer: {} } };
    expect(allowed(sameName, connect, context)).toBe(true);
    expect(allowed(sameName, connect, attachedAs())).toBe(false);
  });

  it('compares StringEqualsIgnoreCase without case and ArnLike by ARN segments', () => {
    expect(
      allowed(connectIf({ StringEqualsIgnoreCase: { 'iot:ClientId': 'PUMP-7' } }), connect, attachedAs()),
    ).toBe(true);
    expect(allowed(connectIf({ StringEquals: { 'iot:ClientId': 'PUMP-7' } }), connect, attachedAs())).toBe(
      false,
    );
    const arnLike = connectIf({ ArnLike: { 'iot:ClientId': 'arn:aws:iot:*:*:client/*' } });
    expect(allowed(arnLike, connect, attachedAs())).toBe(false);
    const arnClient = { action: 'iot:Connect', clientId: 'arn:aws:iot:eu-west-1:1:client/x' } as const;
    expect(allowed(arnLike, arnClient, unattached(arnClient.clientId))).toBe(true);
  });
});

describe('several policies (iot-policies.html: all attached policies are evaluated together)', () => {
  it('lets a Deny in one policy override an Allow in another, and names the deciding policy', () => {
    const device = policy([allow('iot:Publish', `${arnPrefix}:topic/*`)], 'device');
    const quarantine = policy([deny('iot:Publish', `${arnPrefix}:topic/*`)], 'quarantine');
    const decision = decide([device, quarantine], publish('a'), c1);
    expect(decision).toMatchObject({
      allowed: false,
      deciding: { policyName: 'quarantine', statementIndex: 0 },
    });
    expect(decision.reason).toContain('policy "quarantine" Statement[0]');
  });

  it('denies by default when no policy is attached', () => {
    expect(decide([], publish('a'), c1)).toMatchObject({
      allowed: false,
      reason: expect.stringContaining('none attached'),
    });
  });
});

describe('resource ARNs per operation (iot-action-resources.html)', () => {
  it('builds client, topic, topicfilter and thing ARNs', () => {
    const arn = (operation: Parameters<typeof authorizationRequestFor>[0]) =>
      authorizationRequestFor(operation, location).resource;
    expect(arn({ action: 'iot:Connect', clientId: 'pump-7' })).toBe(`${arnPrefix}:client/pump-7`);
    expect(arn({ action: 'iot:RetainPublish', topic: 'a/b' })).toBe(`${arnPrefix}:topic/a/b`);
    expect(arn({ action: 'iot:Subscribe', topicFilter: 'a/#' })).toBe(`${arnPrefix}:topicfilter/a/#`);
    expect(arn({ action: 'iot:GetThingShadow', thingName: 'pump-7' })).toBe(`${arnPrefix}:thing/pump-7`);
    expect(arn({ action: 'iot:UpdateThingShadow', thingName: 'pump-7', shadowName: 'config' })).toBe(
      `${arnPrefix}:thing/pump-7/config`,
    );
    expect(iotResourceArn('thing', 'pump-7', { ...location, partition: 'aws-cn' })).toBe(
      'arn:aws-cn:iot:eu-west-1:123456789012:thing/pump-7',
    );
  });

  it('scopes shadow actions to the classic shadow with thing/<name> and to named shadows with thing/<name>/*', () => {
    const classicOnly = policy([
      allow('iot:GetThingShadow', `${arnPrefix}:thing/\${iot:Connection.Thing.ThingName}`),
    ]);
    const named = policy([
      allow('iot:UpdateThingShadow', `${arnPrefix}:thing/\${iot:Connection.Thing.ThingName}/*`),
    ]);
    expect(allowed(classicOnly, { action: 'iot:GetThingShadow', thingName: 'pump-7' }, attachedAs())).toBe(
      true,
    );
    expect(
      allowed(
        classicOnly,
        { action: 'iot:GetThingShadow', thingName: 'pump-7', shadowName: 'c' },
        attachedAs(),
      ),
    ).toBe(false);
    expect(
      allowed(named, { action: 'iot:UpdateThingShadow', thingName: 'pump-7', shadowName: 'c' }, attachedAs()),
    ).toBe(true);
    expect(
      allowed(named, { action: 'iot:UpdateThingShadow', thingName: 'pump-8', shadowName: 'c' }, attachedAs()),
    ).toBe(false);
  });
});
