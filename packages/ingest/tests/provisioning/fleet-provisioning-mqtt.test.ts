// Fleet provisioning by claim against the local IoT Core, as a device does it against AWS: an mqtt.js
// client over mutual TLS with a claim certificate calls CreateKeysAndCertificate / CreateCertificateFromCsr
// and RegisterThing on the `$aws/...` topics, then reconnects as the new thing
// (fleet-provision-api.html, provision-wo-cert.html#claim-based).
import * as iot from '@aws-sdk/client-iot';
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import type { MqttClient } from 'mqtt';
import { webcrypto, X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { topics } from '@tributary/contracts';
import { fleetTemplateName } from '../../src/core/index.js';
import { startLocalIotCoreFixture, type LocalIotCoreFixture } from '../local-iot-core-fixture.js';
import { connectDevice, connectionOutcome, type DeviceCredentials } from '../pki/tls-test-kit.js';

const account = '000000000000';
const claimPolicyName = 'tributary-fleet-claim';
const provisionTopic = `$aws/provisioning-templates/${fleetTemplateName}/provision/json`;

/** The claim policy the DeviceRegistryStack deploys (claimPolicyDocument), for the fixture's account. */
function claimPolicyDocument(): string {
  const arn = (resource: string) => `arn:aws:iot:us-east-1:${account}:${resource}`;
  const provisioningTopics = [
    '$aws/certificates/create/*',
    '$aws/certificates/create-from-csr/*',
    `$aws/provisioning-templates/${fleetTemplateName}/provision/*`,
  ];
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: 'iot:Connect', Resource: arn('client/provisioning-*') },
      {
        Effect: 'Allow',
        Action: ['iot:Publish', 'iot:Receive'],
        Resource: provisioningTopics.map((topic) => arn(`topic/${topic}`)),
      },
      {
        Effect: 'Allow',
        Action: 'iot:Subscribe',
        Resource: provisioningTopics.map((topic) => arn(`topicfilter/${topic}`)),
      },
    ],
  });
}

interface Reply {
  readonly outcome: 'accepted' | 'rejected';
  readonly body: Record<string, unknown>;
  readonly raw: Buffer;
}

/** Subscribes to both response topics, publishes the request, resolves with the first answer. */
async function call(client: MqttClient, topic: string, payload: string | object = ''): Promise<Reply> {
  await client.subscribeAsync([`${topic}/accepted`, `${topic}/rejected`], { qos: 1 });
  const reply = new Promise<Reply>((resolve) => {
    const onMessage = (received: string, raw: Buffer) => {
      if (received !== `${topic}/accepted` && received !== `${topic}/rejected`) return;
      client.off('message', onMessage);
      const outcome = received.endsWith('/accepted') ? 'accepted' : 'rejected';
      const body = topic.endsWith('/cbor') ? {} : (JSON.parse(raw.toString()) as Record<string, unknown>);
      resolve({ outcome, body, raw });
    };
    client.on('message', onMessage);
  });
  await client.publishAsync(topic, typeof payload === 'string' ? payload : JSON.stringify(payload), {
    qos: 1,
  });
  return reply;
}

describe('fleet provisioning by claim over MQTT', () => {
  let fixture: LocalIotCoreFixture;
  let claim: DeviceCredentials;
  let clientCount = 0;
  const claimClients: MqttClient[] = [];
  const connectClaim = async () => {
    clientCount += 1;
    const client = await connectDevice(
      fixture.mqttsPort,
      fixture.caCertificatePem,
      claim,
      `provisioning-${clientCount}`,
    );
    claimClients.push(client);
    return client;
  };

  beforeAll(async () => {
    fixture = await startLocalIotCoreFixture();
    await fixture.client.send(new iot.CreateThingTypeCommand({ thingTypeName: 'environment-sensor' }));
    await fixture.core.policies.createPolicy(claimPolicyName, claimPolicyDocument());
    const issued = await fixture.core.ca.issueDeviceCertificate({ commonName: 'fleet claim' });
    await fixture.core.certificates.registerCertificate({
      certificatePem: issued.certificatePem,
      status: 'ACTIVE',
    });
    await fixture.core.certificates.attachPolicy(claimPolicyName, issued.certificateId);
    claim = { certificatePem: issued.certificatePem, privateKeyPem: issued.privateKeyPem };
  });

  afterAll(async () => {
    await Promise.all(claimClients.map((client) => client.endAsync(true)));
    await fixture.close();
  });

  it('creates keys, registers the thing, and the device reconnects as it and publishes telemetry', async () => {
    const device = await connectClaim();
    const otherClaimHolder = await connectClaim();
    await otherClaimHolder.subscribeAsync('$aws/certificates/create/json/accepted', { qos: 1 });
    const seenByOther: string[] = [];
    otherClaimHolder.on('message', (topic) => seenByOther.push(topic));

    const created = await call(device, '$aws/certificates/create/json');
    expect(created.outcome).toBe('accepted');
    expect(Object.keys(created.body).sort()).toEqual(
      ['certificateId', 'certificateOwnershipToken', 'certificatePem', 'privateKey'].sort(),
    );
    const credentials = {
      certificatePem: String(created.body['certificatePem']),
      privateKeyPem: String(created.body['privateKey']),
    };
    const certificateId = String(created.body['certificateId']);
    // Pending until RegisterThing: AWS's PENDING_ACTIVATION; it cannot connect yet.
    const before = await fixture.client.send(new iot.DescribeCertificateCommand({ certificateId }));
    expect(before.certificateDescription?.status).toBe('INACTIVE');
    expect(
      await connectionOutcome(fixture.mqttsPort, fixture.caCertificatePem, credentials, 'sensor-0042'),
    ).toBe('refused');

    const registered = await call(device, provisionTopic, {
      certificateOwnershipToken: created.body['certificateOwnershipToken'],
      parameters: { SerialNumber: '0042', Site: 'plant-north' },
    });
    expect(registered).toMatchObject({
      outcome: 'accepted',
      body: { deviceConfiguration: {}, thingName: 'sensor-0042' },
    });
    const thing = await fixture.client.send(new iot.DescribeThingCommand({ thingName: 'sensor-0042' }));
    expect(thing).toMatchObject({ thingTypeName: 'environment-sensor', attributes: { site: 'plant-north' } });
    const after = await fixture.client.send(new iot.DescribeCertificateCommand({ certificateId }));
    expect(after.certificateDescription?.status).toBe('ACTIVE');

    const telemetry = new Promise<string>((resolve) =>
      fixture.core.broker.aedes.on('publish', (packet, client) => {
        if (client?.id === 'sensor-0042' && packet.topic === topics.telemetry('sensor-0042')) {
          resolve(packet.payload.toString());
        }
      }),
    );
    const sensor = await connectDevice(
      fixture.mqttsPort,
      fixture.caCertificatePem,
      credentials,
      'sensor-0042',
    );
    claimClients.push(sensor);
    await sensor.publishAsync(topics.telemetry('sensor-0042'), '{"temperature":21.5}', { qos: 1 });
    expect(await telemetry).toBe('{"temperature":21.5}');
    // The private key went to the requesting connection only, never to another holder of the claim.
    expect(seenByOther).toEqual([]);
  });

  it('rejects RegisterThing with an empty, a wrong or an expired ownership token', async () => {
    const device = await connectClaim();
    const parameters = { SerialNumber: '0100', Site: 'plant-south' };
    const empty = await call(device, provisionTopic, { certificateOwnershipToken: '', parameters });
    expect(empty).toMatchObject({
      outcome: 'rejected',
      body: {
        statusCode: 400,
        errorCode: 'InvalidCertificateOwnershipToken',
        errorMessage: 'Certificate ownership token cannot be empty.',
      },
    });
    const wrong = await call(device, provisionTopic, {
      certificateOwnershipToken: 'not-a-token',
      parameters,
    });
    expect(wrong.body).toMatchObject({ statusCode: 400, errorCode: 'InvalidCertificateOwnershipToken' });

    const created = await call(device, '$aws/certificates/create/json');
    const now = Date.now();
    const clock = vi.spyOn(Date, 'now').mockReturnValue(now + 60 * 60 * 1000 + 1);
    try {
      const expired = await call(device, provisionTopic, {
        certificateOwnershipToken: created.body['certificateOwnershipToken'],
        parameters,
      });
      expect(expired.body).toMatchObject({ statusCode: 400, errorCode: 'InvalidCertificateOwnershipToken' });
      expect(String(expired.body['errorMessage'])).toContain('expired');
    } finally {
      clock.mockRestore();
    }
    const thing = await fixture.client
      .send(new iot.DescribeThingCommand({ thingName: 'sensor-0100' }))
      .catch((error: Error) => error.name);
    expect(thing).toBe('ResourceNotFoundException');
  });

  it('rejects RegisterThing without a parameter the template declares, naming it', async () => {
    const device = await connectClaim();
    const created = await call(device, '$aws/certificates/create/json');
    const rejected = await call(device, provisionTopic, {
      certificateOwnershipToken: created.body['certificateOwnershipToken'],
      parameters: { SerialNumber: '0200' },
    });
    expect(rejected).toMatchObject({
      outcome: 'rejected',
      body: { statusCode: 400, errorCode: 'InvalidRequestException' },
    });
    expect(String(rejected.body['errorMessage'])).toContain('Site');
  });

  it('signs a certificate for the CSR of a device that keeps its own key', async () => {
    const keys = await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
      'sign',
      'verify',
    ]);
    const csr = await x509.Pkcs10CertificateRequestGenerator.create({
      name: 'CN=sensor-0300',
      keys,
      signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
    });
    const device = await connectClaim();
    const created = await call(device, '$aws/certificates/create-from-csr/json', {
      certificateSigningRequest: csr.toString('pem'),
    });
    expect(created.outcome).toBe('accepted');
    expect(created.body).not.toHaveProperty('privateKey');
    const certificate = new X509Certificate(String(created.body['certificatePem']));
    expect(certificate.checkIssued(new X509Certificate(fixture.caCertificatePem))).toBe(true);

    const registered = await call(device, provisionTopic, {
      certificateOwnershipToken: created.body['certificateOwnershipToken'],
      parameters: { SerialNumber: '0300', Site: 'plant-north' },
    });
    expect(registered.body).toMatchObject({ thingName: 'sensor-0300' });
    const privateKeyPem = x509.PemConverter.encode(
      await webcrypto.subtle.exportKey('pkcs8', keys.privateKey),
      'PRIVATE KEY',
    );
    const credentials = { certificatePem: String(created.body['certificatePem']), privateKeyPem };
    expect(
      await connectionOutcome(fixture.mqttsPort, fixture.caCertificatePem, credentials, 'sensor-0300'),
    ).toBe('connected');
  });

  it('rejects an unreadable CSR', async () => {
    const device = await connectClaim();
    const rejected = await call(device, '$aws/certificates/create-from-csr/json', {
      certificateSigningRequest: 'x',
    });
    expect(rejected.body).toMatchObject({ statusCode: 400, errorCode: 'InvalidRequestException' });
  });

  it('answers a cbor request with a CBOR-encoded rejection saying to use json', async () => {
    const device = await connectClaim();
    const rejected = await call(device, '$aws/certificates/create/cbor');
    expect(rejected.outcome).toBe('rejected');
    expect(rejected.raw[0]).toBe(0xa3); // a CBOR map of three entries
    expect(rejected.raw.toString('latin1')).toContain('UnsupportedPayloadFormat');
  });
});

describe('provisioning templates on the control plane', () => {
  let fixture: LocalIotCoreFixture;
  beforeAll(async () => {
    fixture = await startLocalIotCoreFixture();
  });
  afterAll(() => fixture.close());

  it('has the fleet template registered at start, enabled', async () => {
    const described = await fixture.client.send(
      new iot.DescribeProvisioningTemplateCommand({ templateName: fleetTemplateName }),
    );
    expect(described).toMatchObject({ templateName: fleetTemplateName, enabled: true, defaultVersionId: 1 });
    expect(JSON.parse(described.templateBody ?? '{}')).toHaveProperty(
      'Resources.thing.Type',
      'AWS::IoT::Thing',
    );
    const listed = await fixture.client.send(new iot.ListProvisioningTemplatesCommand({}));
    expect(listed.templates?.map((template) => template.templateName)).toContain(fleetTemplateName);
  });

  it('creates a template, and refuses one with an unsupported intrinsic function, naming it', async () => {
    const create = (templateName: string, templateBody: object) =>
      fixture.client.send(
        new iot.CreateProvisioningTemplateCommand({
          templateName,
          templateBody: JSON.stringify(templateBody),
          provisioningRoleArn: `arn:aws:iam::${account}:role/provisioning`,
          enabled: true,
        }),
      );
    const created = await create('pumps', {
      Resources: { thing: { Type: 'AWS::IoT::Thing', Properties: { ThingName: { 'Fn::Sub': 'pump' } } } },
    });
    expect(created).toMatchObject({ templateName: 'pumps', defaultVersionId: 1 });
    expect(created.templateArn).toBe(`arn:aws:iot:us-east-1:${account}:provisioningtemplate/pumps`);

    const refused = await create('conditional', {
      Resources: {
        thing: { Type: 'AWS::IoT::Thing', Properties: { ThingName: { 'Fn::If': ['c', 'a', 'b'] } } },
      },
    }).catch((error: Error) => error);
    expect(refused).toBeInstanceOf(iot.InvalidRequestException);
    expect((refused as Error).message).toContain('Fn::If');
  });
});
