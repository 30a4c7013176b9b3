// Certificates over the control plane, as the IoT API reference defines them: CreateKeysAndCertificate,
// DescribeCertificate, ListCertificates, UpdateCertificate, DeleteCertificate, AttachThingPrincipal,
// DetachThingPrincipal, ListThingPrincipals, ListPrincipalThings
// (https://docs.aws.amazon.com/iot/latest/apireference/), plus the CA certificate operations of
// ca-certificate-routes.ts and the policy operations of policy-routes.ts. `aws iot
// create-keys-and-certificate` and `tributary thing create` both go through these.
import { X509Certificate } from 'node:crypto';
import type { AwsLocation } from '../../core/index.js';
import type { LocalCertificateAuthority } from '../pki/certificate-authority.js';
import { validityOf } from '../pki/ca-certificate-registry.js';
import { certificateStatuses, type CertificateRegistry } from '../pki/certificate-registry.js';
import type { LocalPolicyStore } from '../policy-store.js';
import { assertThingName, InvalidRequestError, pageOfNames } from '../registry/index.js';
import { caCertificateRoutes } from './ca-certificate-routes.js';
import { certificateArnsIn, certificateIdOfPrincipal } from './certificate-arns.js';
import { policyRoutes } from './policy-routes.js';
import { pageQuery, queryBoolean, queryString } from './request-input.js';
import type { ControlPlaneRoute } from './route-table.js';

export interface SecurityRoutesOptions {
  readonly ca: LocalCertificateAuthority;
  readonly certificates: CertificateRegistry;
  readonly policies: LocalPolicyStore;
  readonly location: AwsLocation;
}

/** The common name AWS gives the certificates CreateKeysAndCertificate issues. */
const awsIssuedCommonName = 'AWS IoT Certificate';

export function securityRoutes(options: SecurityRoutesOptions): ControlPlaneRoute[] {
  const { ca, certificates, policies, location } = options;
  const certificateArnOf = certificateArnsIn(location);

  return [
    ...caCertificateRoutes({ certificates, location }),
    ...policyRoutes({ certificates, policies }),
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
      method: 'DELETE',
      path: '/certificates/{certificateId}',
      operation: 'DeleteCertificate',
      async handle({ labels, query }) {
        await certificates.deleteCertificate(labels['certificateId'] ?? '', {
          forceDelete: queryBoolean(query, 'forceDelete'),
        });
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
        await certificates.attachThingPrincipal(
          thingName,
          certificateIdOfPrincipal(headers['x-amzn-principal']),
        );
        return {};
      },
    },
    {
      method: 'DELETE',
      path: '/things/{thingName}/principals',
      operation: 'DetachThingPrincipal',
      async handle({ labels, headers }) {
        const thingName = labels['thingName'] ?? '';
        await certificates.detachThingPrincipal(
          thingName,
          certificateIdOfPrincipal(headers['x-amzn-principal']),
        );
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
      method: 'GET',
      path: '/principals/things',
      operation: 'ListPrincipalThings',
      async handle({ query, headers }) {
        const principal = certificateIdOfPrincipal(headers['x-amzn-principal']);
        const page = pageOfNames(await certificates.listPrincipalThings(principal), pageQuery(query));
        return { things: page.items, nextToken: page.nextToken };
      },
    },
  ];
}
