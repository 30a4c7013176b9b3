// Certificates and policies over the control plane, as the IoT API reference defines them:
// CreateKeysAndCertificate, DescribeCertificate, ListCertificates, UpdateCertificate, AttachThingPrincipal,
// DetachThingPrincipal, ListThingPrincipals, CreatePolicy, ListPolicies, GetPolicy, AttachPolicy
// (https://docs.aws.amazon.com/iot/latest/apireference/), plus the CA certificate operations of
// ca-certificate-routes.ts. `aws iot create-keys-and-certificate` and
// `tributary thing create` both go through these.
import { X509Certificate } from 'node:crypto';
import { z } from 'zod';
import type { AwsLocation } from '../../core/index.js';
import type { LocalCertificateAuthority } from '../pki/certificate-authority.js';
import { validityOf } from '../pki/ca-certificate-registry.js';
import { certificateStatuses, type CertificateRegistry } from '../pki/certificate-registry.js';
import type { LocalPolicyStore } from '../policy-store.js';
import { assertThingName, InvalidRequestError } from '../registry/index.js';
import { caCertificateRoutes } from './ca-certificate-routes.js';
import { pageQuery, parseBody, queryBoolean, queryString } from './request-input.js';
import type { ControlPlaneRoute } from './route-table.js';

export interface SecurityRoutesOptions {
  readonly ca: LocalCertificateAuthority;
  readonly certificates: CertificateRegistry;
  readonly policies: LocalPolicyStore;
  readonly location: AwsLocation;
}

/** The common name AWS gives the certificates CreateKeysAndCertificate issues. */
const awsIssuedCommonName = 'AWS IoT Certificate';

const CreatePolicyBody = z.object({ policyDocument: z.string().min(1) });
const AttachPolicyBody = z.object({ target: z.string().min(1) });

export function securityRoutes(options: SecurityRoutesOptions): ControlPlaneRoute[] {
  const { ca, certificates, policies, location } = options;
  const certificateArnOf = (certificateId: string) =>
    `arn:${location.partition ?? 'aws'}:iot:${location.region}:${location.account}:cert/${certificateId}`;
  /** A principal is a certificate ARN (or, leniently, a bare certificate id). */
  const certificateIdOf = (principal: string | undefined): string => {
    const id = principal?.split(':cert/').pop() ?? '';
    if (!/^[0-9a-fA-F]{64}$/.test(id)) {
      throw new InvalidRequestError(`"${principal ?? ''}" is not a certificate ARN: pass the certificateArn`);
    }
    return id;
  };

  return [
    ...caCertificateRoutes({ certificates, location }),
    {
      method: 'POST',
      path: '/keys-and-certificate',
      operation: 'CreateKeysAndCertificate',
      async handle({ query }) {
        const issued = await ca.issueDeviceCertificate({ commonName: awsIssuedCommonName });
        await certificates.registerCertificate({
          certificatePem: issued.certificatePem,
          status: queryBoolean(query, 'setAsActive') ? 'ACTIVE' : 'INACTIVE',
        });
        return {
          certificateArn: certificateArnOf(issued.certificateId),
          certificateId: issued.certificateId,
          certificatePem: issued.certificatePem,
          keyPair: { PublicKey: issued.publicKeyPem, PrivateKey: issued.privateKeyPem },
        };
      },
    },
    {
      method: 'GET',
      path: '/certificates/{certificateId}',
      operation: 'DescribeCertificate',
      async handle({ labels }) {
        const certificate = await certificates.describeCertificate(labels['certificateId'] ?? '');
        return {
          certificateDescription: {
            certificateArn: certificateArnOf(certificate.certificateId),
            certificateId: certificate.certificateId,
            caCertificateId: certificate.caCertificateId ?? ca.caCertificateId,
            status: certificate.status,
            certificatePem: certificate.certificatePem,
            ownedBy: location.account,
            creationDate: certificate.createdAt,
            lastModifiedDate: certificate.lastModifiedAt,
            validity: validityOf(new X509Certificate(certificate.certificatePem)),
            certificateMode: 'DEFAULT',
          },
        };
      },
    },
    {
      method: 'GET',
      path: '/certificates',
      operation: 'ListCertificates',
      async handle() {
        const all = await certificates.listCertificates();
        return {
          certificates: all.map((certificate) => ({
            certificateArn: certificateArnOf(certificate.certificateId),
            certificateId: certificate.certificateId,
            status: certificate.status,
            creationDate: certificate.createdAt,
            certificateMode: 'DEFAULT',
          })),
        };
      },
    },
    {
      method: 'PUT',
      path: '/certificates/{certificateId}',
      operation: 'UpdateCertificate',
      async handle({ labels, query }) {
        const newStatus = queryString(query, 'newStatus') ?? '';
        if (!(certificateStatuses as readonly string[]).includes(newStatus)) {
          throw new InvalidRequestError(`newStatus must be one of ${certificateStatuses.join(', ')}`);
        }
        await certificates.updateCertificate(labels['certificateId'] ?? '', newStatus as never);
        return undefined;
      },
    },
    {
      method: 'PUT',
      path: '/things/{thingName}/principals',
      operation: 'AttachThingPrincipal',
      async handle({ labels, headers }) {
        const thingName = labels['thingName'] ?? '';
        assertThingName(thingName);
        await certificates.attachThingPrincipal(thingName, certificateIdOf(headers['x-amzn-principal']));
        return {};
      },
    },
    {
      method: 'DELETE',
      path: '/things/{thingName}/principals',
      operation: 'DetachThingPrincipal',
      async handle({ labels, headers }) {
        const thingName = labels['thingName'] ?? '';
        await certificates.detachThingPrincipal(thingName, certificateIdOf(headers['x-amzn-principal']));
        return {};
      },
    },
    {
      method: 'GET',
      path: '/things/{thingName}/principals',
      operation: 'ListThingPrincipals',
      async handle({ labels }) {
        const ids = await certificates.listThingPrincipals(labels['thingName'] ?? '');
        return { principals: ids.map(certificateArnOf) };
      },
    },
    {
      method: 'POST',
      path: '/policies/{policyName}',
      operation: 'CreatePolicy',
      async handle({ labels, body }) {
        const input = parseBody('CreatePolicy', CreatePolicyBody, body);
        const policy = await policies.createPolicy(labels['policyName'] ?? '', input.policyDocument);
        return { ...policyView(policy), policyVersionId: '1' };
      },
    },
    {
      method: 'GET',
      path: '/policies',
      operation: 'ListPolicies',
      handle({ query }) {
        // Everything fits one page: a local account holds a handful of policies.
        pageQuery(query);
        const all = policies.listPolicies();
        if (queryBoolean(query, 'isAscendingOrder') === false) all.reverse();
        return Promise.resolve({
          policies: all.map(({ policyName, policyArn }) => ({ policyName, policyArn })),
        });
      },
    },
    {
      method: 'GET',
      path: '/policies/{policyName}',
      operation: 'GetPolicy',
      async handle({ labels }) {
        return { ...policyView(policies.getPolicy(labels['policyName'] ?? '')), defaultVersionId: '1' };
      },
    },
    {
      method: 'PUT',
      path: '/target-policies/{policyName}',
      operation: 'AttachPolicy',
      async handle({ labels, body }) {
        const policyName = labels['policyName'] ?? '';
        policies.getPolicy(policyName);
        const input = parseBody('AttachPolicy', AttachPolicyBody, body);
        await certificates.attachPolicy(policyName, certificateIdOf(input.target));
        return undefined;
      },
    },
  ];
}

const policyView = (policy: { policyName: string; policyArn: string; policyDocument: string }) => ({
  policyName: policy.policyName,
  policyArn: policy.policyArn,
  policyDocument: policy.policyDocument,
});
