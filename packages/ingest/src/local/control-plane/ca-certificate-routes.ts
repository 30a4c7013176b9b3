// CA certificates over the control plane, as the IoT API reference defines them: GetRegistrationCode,
// RegisterCACertificate, DescribeCACertificate, ListCACertificates, UpdateCACertificate, DeleteCACertificate,
// and RegisterCertificate for device certificates a registered CA signed
// (https://docs.aws.amazon.com/iot/latest/developerguide/manage-your-CA-certs.html). Paths and fields are
// those of @aws-sdk/client-iot's schemas (`/cacertificate`, `/cacertificates`, `/certificate/register`).
import { z } from 'zod';
import type { AwsLocation } from '../../core/index.js';
import {
  caCertificateStatuses,
  type AutoRegistrationStatus,
  type CaCertificateStatus,
} from '../pki/ca-certificate-registry.js';
import { certificateStatuses, type CertificateRegistry } from '../pki/certificate-registry.js';
import { InvalidCertificateError } from '../pki/certificate-errors.js';
import { InvalidRequestError } from '../registry/index.js';
import { pageQuery, parseBody, queryBoolean, queryString, refuseUnsupported } from './request-input.js';
import type { ControlPlaneRoute } from './route-table.js';

export interface CaCertificateRoutesOptions {
  readonly certificates: CertificateRegistry;
  readonly location: AwsLocation;
}

const RegisterCaCertificateBody = z.object({
  caCertificate: z.string().min(1),
  verificationCertificate: z.string().min(1).optional(),
  certificateMode: z.enum(['DEFAULT', 'SNI_ONLY']).optional(),
  registrationConfig: z.unknown().optional(),
  tags: z.unknown().optional(),
});

const RegisterCertificateBody = z.object({
  certificatePem: z.string().min(1),
  caCertificatePem: z.string().min(1).optional(),
  status: z.enum(certificateStatuses).optional(),
});

const UpdateCaCertificateBody = z.object({
  registrationConfig: z.unknown().optional(),
  removeAutoRegistration: z.boolean().optional(),
});

const autoRegistrationStatuses: readonly AutoRegistrationStatus[] = ['ENABLE', 'DISABLE'];

export function caCertificateRoutes(options: CaCertificateRoutesOptions): ControlPlaneRoute[] {
  const { certificates, location } = options;
  const { caCertificates } = certificates;
  const arnPrefix = `arn:${location.partition ?? 'aws'}:iot:${location.region}:${location.account}`;
  const caArnOf = (certificateId: string) => `${arnPrefix}:cacert/${certificateId}`;

  return [
    {
      method: 'GET',
      path: '/registrationcode',
      operation: 'GetRegistrationCode',
      handle: () => Promise.resolve({ registrationCode: caCertificates.getRegistrationCode() }),
    },
    {
      method: 'POST',
      path: '/cacertificate',
      operation: 'RegisterCACertificate',
      async handle({ query, body }) {
        const input = parseBody('RegisterCACertificate', RegisterCaCertificateBody, body);
        refuseUnsupported('RegisterCACertificate', 'registrationConfig', input.registrationConfig);
        const registered = await caCertificates.registerCaCertificate({
          caCertificatePem: input.caCertificate,
          verificationCertificatePem: input.verificationCertificate,
          certificateMode: input.certificateMode,
          setAsActive: queryBoolean(query, 'setAsActive'),
          allowAutoRegistration: queryBoolean(query, 'allowAutoRegistration'),
        });
        return {
          certificateArn: caArnOf(registered.certificateId),
          certificateId: registered.certificateId,
        };
      },
    },
    {
      method: 'GET',
      path: '/cacertificate/{certificateId}',
      operation: 'DescribeCACertificate',
      handle({ labels }) {
        const ca = caCertificates.describeCaCertificate(labels['certificateId'] ?? '');
        return Promise.resolve({
          certificateDescription: {
            certificateArn: caArnOf(ca.certificateId),
            certificateId: ca.certificateId,
            status: ca.status,
            certificatePem: ca.certificatePem,
            ownedBy: location.account,
            creationDate: ca.createdAt,
            autoRegistrationStatus: ca.autoRegistrationStatus,
            lastModifiedDate: ca.lastModifiedAt,
            customerVersion: 1,
            validity: ca.validity,
            certificateMode: ca.certificateMode,
          },
        });
      },
    },
    {
      method: 'GET',
      path: '/cacertificates',
      operation: 'ListCACertificates',
      handle({ query }) {
        // Everything fits one page: a local account registers a handful of CAs.
        pageQuery(query);
        const all = caCertificates.listCaCertificates();
        if (queryBoolean(query, 'isAscendingOrder') === false) all.reverse();
        return Promise.resolve({
          certificates: all.map((ca) => ({
            certificateArn: caArnOf(ca.certificateId),
            certificateId: ca.certificateId,
            status: ca.status,
            creationDate: ca.createdAt,
          })),
        });
      },
    },
    {
      method: 'PUT',
      path: '/cacertificate/{certificateId}',
      operation: 'UpdateCACertificate',
      async handle({ labels, query, body }) {
        const input = parseBody('UpdateCACertificate', UpdateCaCertificateBody, body);
        refuseUnsupported('UpdateCACertificate', 'registrationConfig', input.registrationConfig);
        const newStatus = queryString(query, 'newStatus');
        if (newStatus !== undefined && !(caCertificateStatuses as readonly string[]).includes(newStatus)) {
          throw new InvalidRequestError(`newStatus must be one of ${caCertificateStatuses.join(', ')}`);
        }
        const newAutoRegistrationStatus = queryString(query, 'newAutoRegistrationStatus');
        if (
          newAutoRegistrationStatus !== undefined &&
          !(autoRegistrationStatuses as readonly string[]).includes(newAutoRegistrationStatus)
        ) {
          throw new InvalidRequestError('newAutoRegistrationStatus must be ENABLE or DISABLE');
        }
        await caCertificates.updateCaCertificate(labels['certificateId'] ?? '', {
          newStatus: newStatus as CaCertificateStatus | undefined,
          newAutoRegistrationStatus: newAutoRegistrationStatus as AutoRegistrationStatus | undefined,
        });
        return undefined;
      },
    },
    {
      method: 'DELETE',
      path: '/cacertificate/{certificateId}',
      operation: 'DeleteCACertificate',
      async handle({ labels }) {
        await caCertificates.deleteCaCertificate(labels['certificateId'] ?? '');
        return {};
      },
    },
    {
      method: 'POST',
      path: '/certificate/register',
      operation: 'RegisterCertificate',
      async handle({ query, body }) {
        const input = parseBody('RegisterCertificate', RegisterCertificateBody, body);
        // As AWS: the signing CA must be registered (named by caCertificatePem, or found among the registered).
        if (
          input.caCertificatePem === undefined &&
          caCertificates.issuerOf(input.certificatePem) === undefined
        ) {
          throw new InvalidCertificateError(
            'no registered CA certificate signed it; register its CA with RegisterCACertificate first',
          );
        }
        const status = input.status ?? (queryBoolean(query, 'setAsActive') ? 'ACTIVE' : 'INACTIVE');
        const registered = await certificates.registerCertificate({
          certificatePem: input.certificatePem,
          caCertificatePem: input.caCertificatePem,
          status,
        });
        return {
          certificateArn: `${arnPrefix}:cert/${registered.certificateId}`,
          certificateId: registered.certificateId,
        };
      },
    },
  ];
}
