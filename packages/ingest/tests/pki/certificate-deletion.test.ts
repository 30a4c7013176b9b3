// Retiring a device certificate against the local IoT Core, through @aws-sdk/client-iot and real mqtt.js
// devices over mutual TLS, as AWS IoT's DeleteCertificate defines it: refused while ACTIVE
// (CertificateStateException) or attached to a thing (DeleteConflictException); attached policies refuse it
// too unless forceDelete, which detaches them
// (https://docs.aws.amazon.com/iot/latest/apireference/API_DeleteCertificate.html), and the certificate
// rotation that ends with it (https://docs.aws.amazon.com/iot/latest/developerguide/x509-client-certs.html).
import * as iot from '@aws-sdk/client-iot';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devicePolicyName } from '../../src/core/index.js';
import { refusalOf, startLocalIotCoreFixture, type LocalIotCoreFixture } from '../local-iot-core-fixture.js';
import { connectionOutcome } from './tls-test-kit.js';

let fixture: LocalIotCoreFixture;
beforeAll(async () => (fixture = await startLocalIotCoreFixture()));
afterAll(() => fixture.close());

const certificateIdOf = (arn: string) => arn.split('/').pop() ?? '';

const deleteCertificate = (certificateArn: string, forceDelete?: boolean) =>
  fixture.client.send(
    new iot.DeleteCertificateCommand({ certificateId: certificateIdOf(certificateArn), forceDelete }),
  );
const setStatus = (certificateArn: string, newStatus: iot.CertificateStatus) =>
  fixture.client.send(
    new iot.UpdateCertificateCommand({ certificateId: certificateIdOf(certificateArn), newStatus }),
  );
const describeCertificate = (certificateArn: string) =>
  fixture.client.send(new iot.DescribeCertificateCommand({ certificateId: certificateIdOf(certificateArn) }));
const listedCertificateArns = async () =>
  (await fixture.client.send(new iot.ListCertificatesCommand({}))).certificates?.map((c) => c.certificateArn);

/** A certificate from CreateKeysAndCertificate, INACTIVE and attached to nothing. */
async function bareCertificate(): Promise<string> {
  const created = await fixture.client.send(new iot.CreateKeysAndCertificateCommand({ setAsActive: false }));
  return created.certificateArn ?? '';
}

describe('DeleteCertificate', () => {
  it('refuses an ACTIVE certificate with CertificateStateException (406): it must be deactivated first', async () => {
    const device = await fixture.provision('delete-active');
    await fixture.client.send(
      new iot.DetachThingPrincipalCommand({ thingName: 'delete-active', principal: device.certificateArn }),
    );

    const refusal = await refusalOf(deleteCertificate(device.certificateArn, true));
    expect(refusal).toBeInstanceOf(iot.CertificateStateException);
    expect(refusal.$metadata.httpStatusCode).toBe(406);
    expect(refusal.message).toContain('set it INACTIVE with UpdateCertificate first');
    await expect(describeCertificate(device.certificateArn)).resolves.toBeDefined();
  });

  it('refuses a certificate attached to a thing with DeleteConflictException (409), forceDelete or not', async () => {
    const device = await fixture.provision('delete-attached');
    await setStatus(device.certificateArn, 'INACTIVE');

    const refusal = await refusalOf(deleteCertificate(device.certificateArn, true));
    expect(refusal).toBeInstanceOf(iot.DeleteConflictException);
    expect(refusal.$metadata.httpStatusCode).toBe(409);
    expect(refusal.message).toContain('attached to thing delete-attached');
    expect(await listedCertificateArns()).toContain(device.certificateArn);
  });

  it('refuses a certificate with a policy attached (DeleteConflictException) unless forceDelete, which detaches it', async () => {
    const certificateArn = await bareCertificate();
    await fixture.client.send(
      new iot.AttachPolicyCommand({ policyName: devicePolicyName, target: certificateArn }),
    );

    const refusal = await refusalOf(deleteCertificate(certificateArn));
    expect(refusal).toBeInstanceOf(iot.DeleteConflictException);
    expect(refusal.$metadata.httpStatusCode).toBe(409);
    expect(refusal.message).toContain(`policy ${devicePolicyName} is attached`);
    await expect(describeCertificate(certificateArn)).resolves.toBeDefined();

    await deleteCertificate(certificateArn, true);
    await expect(describeCertificate(certificateArn)).rejects.toBeInstanceOf(iot.ResourceNotFoundException);
    await expect(
      fixture.client.send(new iot.ListAttachedPoliciesCommand({ target: certificateArn })),
    ).rejects.toBeInstanceOf(iot.ResourceNotFoundException);
  });

  it('deletes an INACTIVE certificate attached to nothing: gone from DescribeCertificate and ListCertificates', async () => {
    const certificateArn = await bareCertificate();
    await deleteCertificate(certificateArn);

    const refusal = await refusalOf(describeCertificate(certificateArn));
    expect(refusal).toBeInstanceOf(iot.ResourceNotFoundException);
    expect(refusal.$metadata.httpStatusCode).toBe(404);
    expect(await listedCertificateArns()).not.toContain(certificateArn);
    await expect(deleteCertificate(certificateArn)).rejects.toBeInstanceOf(iot.ResourceNotFoundException);
  });

  it('completes a rotation: the old certificate is gone and refused at connect, the new one connects', async () => {
    const thingName = 'rotating-pump';
    const old = await fixture.provision(thingName);
    const outcome = (credentials: { certificatePem: string; privateKeyPem: string }) =>
      connectionOutcome(fixture.mqttsPort, fixture.caCertificatePem, credentials, thingName);
    expect(await outcome(old)).toBe('connected');

    // The rotation script's steps, in the order AWS requires them.
    const created = await fixture.client.send(new iot.CreateKeysAndCertificateCommand({ setAsActive: true }));
    const next = {
      certificateArn: created.certificateArn ?? '',
      certificatePem: created.certificatePem ?? '',
      privateKeyPem: created.keyPair?.PrivateKey ?? '',
    };
    await fixture.client.send(
      new iot.AttachPolicyCommand({ policyName: devicePolicyName, target: next.certificateArn }),
    );
    await fixture.client.send(
      new iot.AttachThingPrincipalCommand({ thingName, principal: next.certificateArn }),
    );
    await setStatus(old.certificateArn, 'INACTIVE');
    await fixture.client.send(
      new iot.DetachThingPrincipalCommand({ thingName, principal: old.certificateArn }),
    );
    await deleteCertificate(old.certificateArn, true);

    const listed = await listedCertificateArns();
    expect(listed).not.toContain(old.certificateArn);
    expect(listed).toContain(next.certificateArn);
    const { principals } = await fixture.client.send(new iot.ListThingPrincipalsCommand({ thingName }));
    expect(principals).toEqual([next.certificateArn]);
    expect(await outcome(old)).toBe('refused');
    expect(await outcome(next)).toBe('connected');
  });
});

describe('DeleteCertificate, DeletePolicy and DetachPolicy across a restart', () => {
  it('keeps what DeleteCertificate, DeletePolicy and DetachPolicy removed once the endpoint starts again', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'certificate-deletion-'));
    try {
      const first = await startLocalIotCoreFixture({ dataDir });
      const policyDocument = JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 'iot:Connect', Resource: '*' }],
      });
      await first.client.send(new iot.CreatePolicyCommand({ policyName: 'kept', policyDocument }));
      await first.client.send(new iot.CreatePolicyCommand({ policyName: 'deleted', policyDocument }));
      const created = await first.client.send(new iot.CreateKeysAndCertificateCommand({}));
      const certificateId = created.certificateId ?? '';
      await first.client.send(
        new iot.AttachPolicyCommand({ policyName: 'deleted', target: created.certificateArn }),
      );
      await first.client.send(new iot.DeleteCertificateCommand({ certificateId, forceDelete: true }));
      await first.client.send(new iot.DeletePolicyCommand({ policyName: 'deleted' }));
      const { certificateArn: keptArn } = await first.client.send(
        new iot.CreateKeysAndCertificateCommand({}),
      );
      await first.client.send(new iot.AttachPolicyCommand({ policyName: 'kept', target: keptArn }));
      await first.client.send(new iot.DetachPolicyCommand({ policyName: 'kept', target: keptArn }));
      await first.close();

      const second = await startLocalIotCoreFixture({ dataDir });
      try {
        await expect(
          second.client.send(new iot.DescribeCertificateCommand({ certificateId })),
        ).rejects.toBeInstanceOf(iot.ResourceNotFoundException);
        const { certificates } = await second.client.send(new iot.ListCertificatesCommand({}));
        expect(certificates?.map((c) => c.certificateId)).not.toContain(certificateId);
        await expect(
          second.client.send(new iot.GetPolicyCommand({ policyName: 'deleted' })),
        ).rejects.toBeInstanceOf(iot.ResourceNotFoundException);
        await expect(
          second.client.send(new iot.GetPolicyCommand({ policyName: 'kept' })),
        ).resolves.toBeDefined();
        const { policies } = await second.client.send(
          new iot.ListAttachedPoliciesCommand({ target: keptArn }),
        );
        expect(policies).toEqual([]);
      } finally {
        await second.close();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
