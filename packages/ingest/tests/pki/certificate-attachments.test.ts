// What a certificate is attached to, through @aws-sdk/client-iot against the local IoT Core, as the IoT API
// reference defines it: DetachPolicy (no error when not attached), ListAttachedPolicies and
// ListPrincipalThings (paged, ResourceNotFoundException for an unknown certificate), and DeletePolicy
// (DeleteConflictException while attached) — https://docs.aws.amazon.com/iot/latest/apireference/.
import * as iot from '@aws-sdk/client-iot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devicePolicyName } from '../../src/core/index.js';
import { refusalOf, startLocalIotCoreFixture, type LocalIotCoreFixture } from '../local-iot-core-fixture.js';
import { closed, connectDevice, connectionOutcome } from './tls-test-kit.js';

let fixture: LocalIotCoreFixture;
beforeAll(async () => (fixture = await startLocalIotCoreFixture()));
afterAll(() => fixture.close());

const connectAnywhere = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 'iot:Connect', Resource: '*' }],
});
const policyArnOf = (policyName: string) => `arn:aws:iot:us-east-1:000000000000:policy/${policyName}`;

async function createPolicy(policyName: string): Promise<void> {
  await fixture.client.send(new iot.CreatePolicyCommand({ policyName, policyDocument: connectAnywhere }));
}

async function bareCertificate(): Promise<string> {
  const created = await fixture.client.send(new iot.CreateKeysAndCertificateCommand({ setAsActive: false }));
  return created.certificateArn ?? '';
}

const attachedPolicyNames = async (target: string) =>
  (await fixture.client.send(new iot.ListAttachedPoliciesCommand({ target }))).policies?.map(
    (policy) => policy.policyName,
  );

describe('DetachPolicy', () => {
  it('detaches a policy, and detaching it again is not an error', async () => {
    const certificateArn = await bareCertificate();
    await createPolicy('detach-twice');
    const attach = (policyName: string) =>
      fixture.client.send(new iot.AttachPolicyCommand({ policyName, target: certificateArn }));
    const detach = () =>
      fixture.client.send(
        new iot.DetachPolicyCommand({ policyName: 'detach-twice', target: certificateArn }),
      );
    await attach('detach-twice');
    await attach(devicePolicyName);

    await detach();
    await detach();
    expect(await attachedPolicyNames(certificateArn)).toEqual([devicePolicyName]);
  });

  it('takes the policy’s rights from the certificate’s next connection: without iot:Connect it is refused', async () => {
    const device = await fixture.provision('detached-pump');
    const outcome = () =>
      connectionOutcome(fixture.mqttsPort, fixture.caCertificatePem, device, device.thingName);
    expect(await outcome()).toBe('connected');

    await fixture.client.send(
      new iot.DetachPolicyCommand({ policyName: devicePolicyName, target: device.certificateArn }),
    );
    expect(await outcome()).toBe('refused');
  });
});

describe('a policy attached or detached while its certificate is connected', () => {
  const telemetryTopic = (thingName: string) => `dt/tributary/${thingName}/telemetry`;
  const setPolicy = async (
    command: typeof iot.AttachPolicyCommand | typeof iot.DetachPolicyCommand,
    policyName: string,
    target: string,
  ) => {
    await fixture.client.send(new command({ policyName, target }));
  };

  it('takes its rights away from the open connection at once: the next publish is refused', async () => {
    const device = await fixture.provision('live-detach');
    await createPolicy('live-detach-connect');
    await setPolicy(iot.AttachPolicyCommand, 'live-detach-connect', device.certificateArn);
    const client = await connectDevice(fixture.mqttsPort, fixture.caCertificatePem, device, device.thingName);
    client.on('error', () => undefined);
    await client.publishAsync(telemetryTopic(device.thingName), '{"t":1}', { qos: 1 });

    const disconnected = closed(client);
    await setPolicy(iot.DetachPolicyCommand, devicePolicyName, device.certificateArn);
    // AWS IoT Core closes the connection of a client that publishes where its policies do not allow.
    client.publish(telemetryTopic(device.thingName), '{"t":2}', { qos: 1 });
    await disconnected;
    await client.endAsync(true);
  });

  it('gives its rights to the open connection at once: a publish it was refused now goes through', async () => {
    const device = await fixture.provision('live-attach');
    await createPolicy('live-attach-connect');
    await setPolicy(iot.AttachPolicyCommand, 'live-attach-connect', device.certificateArn);
    await setPolicy(iot.DetachPolicyCommand, devicePolicyName, device.certificateArn);
    const client = await connectDevice(fixture.mqttsPort, fixture.caCertificatePem, device, device.thingName);
    try {
      await setPolicy(iot.AttachPolicyCommand, devicePolicyName, device.certificateArn);
      await expect(
        client.publishAsync(telemetryTopic(device.thingName), '{"t":1}', { qos: 1 }),
      ).resolves.toBeDefined();
    } finally {
      await client.endAsync(true);
    }
  });
});

describe('ListAttachedPolicies', () => {
  it('names each attached policy with its ARN, a page at a time with pageSize and marker', async () => {
    const certificateArn = await bareCertificate();
    for (const policyName of ['paged-b', 'paged-a']) {
      await createPolicy(policyName);
      await fixture.client.send(new iot.AttachPolicyCommand({ policyName, target: certificateArn }));
    }

    expect(
      (await fixture.client.send(new iot.ListAttachedPoliciesCommand({ target: certificateArn }))).policies,
    ).toEqual([
      { policyName: 'paged-a', policyArn: policyArnOf('paged-a') },
      { policyName: 'paged-b', policyArn: policyArnOf('paged-b') },
    ]);
    const first = await fixture.client.send(
      new iot.ListAttachedPoliciesCommand({ target: certificateArn, pageSize: 1, recursive: true }),
    );
    expect(first.policies?.map((policy) => policy.policyName)).toEqual(['paged-a']);
    expect(first.nextMarker).toBeDefined();
    const second = await fixture.client.send(
      new iot.ListAttachedPoliciesCommand({ target: certificateArn, pageSize: 1, marker: first.nextMarker }),
    );
    expect(second.policies?.map((policy) => policy.policyName)).toEqual(['paged-b']);
    expect(second.nextMarker).toBeUndefined();
  });

  it('answers ResourceNotFoundException for an unknown certificate, InvalidRequestException for a bad pageSize', async () => {
    const unknown = `arn:aws:iot:us-east-1:000000000000:cert/${'0'.repeat(64)}`;
    await expect(
      fixture.client.send(new iot.ListAttachedPoliciesCommand({ target: unknown })),
    ).rejects.toBeInstanceOf(iot.ResourceNotFoundException);
    const refusal = await refusalOf(
      fixture.client.send(
        new iot.ListAttachedPoliciesCommand({ target: await bareCertificate(), pageSize: 251 }),
      ),
    );
    expect(refusal).toBeInstanceOf(iot.InvalidRequestException);
    expect(refusal.message).toContain('pageSize must be an integer from 1 to 250');
  });
});

describe('ListPrincipalThings', () => {
  it('names the things a certificate is attached to, a page at a time with maxResults and nextToken', async () => {
    const { certificateArn: principal } = await fixture.provision('gateway-b');
    await fixture.client.send(new iot.CreateThingCommand({ thingName: 'gateway-a' }));
    await fixture.client.send(new iot.AttachThingPrincipalCommand({ thingName: 'gateway-a', principal }));

    const all = await fixture.client.send(new iot.ListPrincipalThingsCommand({ principal }));
    expect(all.things).toEqual(['gateway-a', 'gateway-b']);
    expect(all.nextToken).toBeUndefined();
    const first = await fixture.client.send(new iot.ListPrincipalThingsCommand({ principal, maxResults: 1 }));
    expect(first.things).toEqual(['gateway-a']);
    const second = await fixture.client.send(
      new iot.ListPrincipalThingsCommand({ principal, maxResults: 1, nextToken: first.nextToken }),
    );
    expect(second).toMatchObject({ things: ['gateway-b'] });
    expect(second.nextToken).toBeUndefined();
  });

  it('answers ResourceNotFoundException for an unknown certificate', async () => {
    const principal = `arn:aws:iot:us-east-1:000000000000:cert/${'f'.repeat(64)}`;
    await expect(
      fixture.client.send(new iot.ListPrincipalThingsCommand({ principal })),
    ).rejects.toBeInstanceOf(iot.ResourceNotFoundException);
  });
});

describe('DeletePolicy', () => {
  it('refuses a policy attached to a certificate (DeleteConflictException, 409), and deletes it once detached', async () => {
    const certificateArn = await bareCertificate();
    await createPolicy('retired-policy');
    await fixture.client.send(
      new iot.AttachPolicyCommand({ policyName: 'retired-policy', target: certificateArn }),
    );

    const refusal = await refusalOf(
      fixture.client.send(new iot.DeletePolicyCommand({ policyName: 'retired-policy' })),
    );
    expect(refusal).toBeInstanceOf(iot.DeleteConflictException);
    expect(refusal.$metadata.httpStatusCode).toBe(409);
    expect(refusal.message).toContain(certificateArn.split('/').pop());
    await expect(
      fixture.client.send(new iot.GetPolicyCommand({ policyName: 'retired-policy' })),
    ).resolves.toBeDefined();

    await fixture.client.send(
      new iot.DetachPolicyCommand({ policyName: 'retired-policy', target: certificateArn }),
    );
    await fixture.client.send(new iot.DeletePolicyCommand({ policyName: 'retired-policy' }));
    await expect(
      fixture.client.send(new iot.GetPolicyCommand({ policyName: 'retired-policy' })),
    ).rejects.toBeInstanceOf(iot.ResourceNotFoundException);
    const { policies } = await fixture.client.send(new iot.ListPoliciesCommand({}));
    expect(policies?.map((policy) => policy.policyName)).not.toContain('retired-policy');
  });

  it('answers ResourceNotFoundException for an unknown policy', async () => {
    await expect(
      fixture.client.send(new iot.DeletePolicyCommand({ policyName: 'never-created' })),
    ).rejects.toBeInstanceOf(iot.ResourceNotFoundException);
  });

  it('refuses the default device policy (InvalidRequestException): the local endpoint re-creates it at every start', async () => {
    const refusal = await refusalOf(
      fixture.client.send(new iot.DeletePolicyCommand({ policyName: devicePolicyName })),
    );
    expect(refusal).toBeInstanceOf(iot.InvalidRequestException);
    expect(refusal.message).toContain('cannot be deleted locally');
    await expect(
      fixture.client.send(new iot.GetPolicyCommand({ policyName: devicePolicyName })),
    ).resolves.toBeDefined();
  });
});
