// The device provisioning MQTT API's operations, transport aside (fleet-provision-api.html):
// CreateKeysAndCertificate and CreateCertificateFromCsr issue a certificate signed by the local CA that
// cannot connect yet, with an ownership token; RegisterThing evaluates the named template for the token's
// certificate and applies it (thing, groups, policies, then the certificate's status, last, so the
// certificate works only once everything it needs is attached).
import { createHash } from 'node:crypto';
import {
  evaluateProvisioningTemplate,
  ProvisioningTemplateError,
  type ProvisioningPlan,
} from '../../core/index.js';
import type { LocalCertificateAuthority } from '../pki/certificate-authority.js';
import type { CertificateRegistry } from '../pki/certificate-registry.js';
import type { LocalPolicyStore } from '../policy-store.js';
import type { LocalRegistry } from '../registry.js';
import { InvalidCsrError, readCertificateSigningRequest } from './certificate-signing-request.js';
import type { CertificateOwnershipTokens } from './ownership-tokens.js';
import {
  invalidOwnershipToken,
  invalidRequest,
  registrationFailure,
  rejection,
  templateRejection,
  type ProvisioningRejection,
} from './provisioning-rejections.js';
import type { ProvisioningTemplateStore } from './template-store.js';

export type ProvisioningOutcome =
  { readonly accepted: Readonly<Record<string, unknown>> } | { readonly rejected: ProvisioningRejection };

export interface FleetProvisioningParts {
  readonly ca: LocalCertificateAuthority;
  readonly certificates: CertificateRegistry;
  readonly registry: LocalRegistry;
  readonly policies: LocalPolicyStore;
  readonly templates: ProvisioningTemplateStore;
  readonly tokens: CertificateOwnershipTokens;
}

/** The common name AWS gives the certificates it creates with their keys. */
const awsIssuedCommonName = 'AWS IoT Certificate';

export class FleetProvisioningService {
  constructor(private readonly parts: FleetProvisioningParts) {}

  async createKeysAndCertificate(): Promise<ProvisioningOutcome> {
    const issued = await this.parts.ca.issueDeviceCertificate({ commonName: awsIssuedCommonName });
    const certificateOwnershipToken = await this.registerPending(issued.certificatePem, issued.certificateId);
    return {
      accepted: {
        certificateId: issued.certificateId,
        certificatePem: issued.certificatePem,
        privateKey: issued.privateKeyPem,
        certificateOwnershipToken,
      },
    };
  }

  async createCertificateFromCsr(payload: Buffer): Promise<ProvisioningOutcome> {
    return answered(async () => {
      const request = jsonObjectOf(payload);
      const csr = await readCertificateSigningRequest(request['certificateSigningRequest']).catch(
        (error: unknown) => {
          throw error instanceof InvalidCsrError ? new Rejected(invalidRequest(error.message)) : error;
        },
      );
      const signed = await this.parts.ca.signDeviceCertificate(csr.commonName, csr.publicKey);
      return {
        certificateOwnershipToken: await this.registerPending(signed.certificatePem, signed.certificateId),
        certificateId: signed.certificateId,
        certificatePem: signed.certificatePem,
      };
    });
  }

  async registerThing(templateName: string, payload: Buffer): Promise<ProvisioningOutcome> {
    return answered(async () => {
      const { token, parameters } = registerThingRequestOf(payload);
      this.requireEnabledTemplate(templateName);
      const certificateId = this.certificateOwnedBy(token);
      const plan = this.planFor(templateName, parameters, certificateId);
      await this.apply(plan, certificateId).catch((error: unknown) => {
        // Registry, policy and certificate errors carry a code and a message saying what to create first.
        const coded = error instanceof Error && typeof (error as { code?: unknown }).code === 'string';
        throw coded ? new Rejected(registrationFailure(error)) : error;
      });
      return { deviceConfiguration: plan.deviceConfiguration, thingName: plan.thing?.thingName };
    });
  }

  private requireEnabledTemplate(templateName: string): void {
    const template = this.parts.templates.describe(templateName);
    if (!template) {
      throw new Rejected(rejection(404, 'ResourceNotFoundException', `Template ${templateName} not found`));
    }
    if (!template.enabled) {
      throw new Rejected(
        invalidRequest(`Template ${templateName} is disabled: enable it with UpdateProvisioningTemplate`),
      );
    }
  }

  private certificateOwnedBy(token: string): string {
    const owned = this.parts.tokens.certificateFor(token);
    if (owned.found) return owned.certificateId;
    throw new Rejected(
      invalidOwnershipToken(
        owned.reason === 'expired'
          ? 'Certificate ownership token has expired (tokens are valid one hour): call CreateKeysAndCertificate again'
          : 'Certificate ownership token is not valid: use the token CreateKeysAndCertificate returned',
      ),
    );
  }

  private planFor(
    templateName: string,
    parameters: Readonly<Record<string, string>>,
    certificateId: string,
  ): ProvisioningPlan {
    let plan: ProvisioningPlan;
    try {
      plan = evaluateProvisioningTemplate(this.parts.templates.bodyOf(templateName), {
        parameters,
        certificateId,
      });
    } catch (error) {
      throw error instanceof ProvisioningTemplateError ? new Rejected(templateRejection(error)) : error;
    }
    if (plan.certificate && plan.certificate.certificateId !== certificateId) {
      throw new Rejected(
        invalidRequest(
          `Template ${templateName} names certificate ${plan.certificate.certificateId}, not the one the ` +
            'ownership token proves: use {"Ref": "AWS::IoT::Certificate::Id"}',
        ),
      );
    }
    return plan;
  }

  /** INACTIVE stands in for AWS's PENDING_ACTIVATION: the certificate cannot connect until RegisterThing. */
  private async registerPending(certificatePem: string, certificateId: string): Promise<string> {
    await this.parts.certificates.registerCertificate({ certificatePem, status: 'INACTIVE' });
    return this.parts.tokens.issue(certificateId);
  }

  private async apply(plan: ProvisioningPlan, certificateId: string): Promise<void> {
    const { registry, certificates, policies } = this.parts;
    if (plan.thing) {
      const { thingName, thingTypeName, attributes, thingGroups } = plan.thing;
      await registry.createThing({ thingName, thingTypeName, attributePayload: { attributes } });
      for (const thingGroupName of thingGroups)
        await registry.addThingToThingGroup({ thingGroupName, thingName });
    }
    for (const policy of plan.policies) {
      const policyName = policy.policyName ?? (await this.ensurePolicy(policy.policyDocument ?? ''));
      policies.getPolicy(policyName);
      await certificates.attachPolicy(policyName, certificateId);
    }
    if (plan.thing) await certificates.attachThingPrincipal(plan.thing.thingName, certificateId);
    if (plan.certificate) await certificates.updateCertificate(certificateId, plan.certificate.status);
  }

  /** A policy given by its document is named by the document's hash, as AWS names it when PolicyName is absent. */
  private async ensurePolicy(policyDocument: string): Promise<string> {
    const policyName = createHash('sha256').update(policyDocument).digest('hex');
    try {
      this.parts.policies.getPolicy(policyName);
    } catch {
      await this.parts.policies.createPolicy(policyName, policyDocument);
    }
    return policyName;
  }
}

/** A request answered on `…/rejected`; thrown by the steps, caught once per operation. */
class Rejected extends Error {
  constructor(readonly rejection: ProvisioningRejection) {
    super(rejection.errorMessage);
  }
}

async function answered(
  operation: () => Promise<Readonly<Record<string, unknown>>>,
): Promise<ProvisioningOutcome> {
  try {
    return { accepted: await operation() };
  } catch (error) {
    if (error instanceof Rejected) return { rejected: error.rejection };
    throw error;
  }
}

function jsonObjectOf(payload: Buffer): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(payload.toString('utf8'));
  } catch {
    value = undefined;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new Rejected(invalidRequest('The request payload must be a JSON object'));
  }
  return value as Record<string, unknown>;
}

function registerThingRequestOf(payload: Buffer): { token: string; parameters: Record<string, string> } {
  const { certificateOwnershipToken: token, parameters = {} } = jsonObjectOf(payload);
  if (typeof token !== 'string' || token === '') {
    throw new Rejected(invalidOwnershipToken('Certificate ownership token cannot be empty.'));
  }
  if (!isStringMap(parameters)) {
    throw new Rejected(invalidRequest('"parameters" must be an object of string values'));
  }
  return { token, parameters };
}

function isStringMap(value: unknown): value is Record<string, string> {
  return (
    value !== null &&
    typeof value === 'object' &&
    !Array.isArray(value) &&
    Object.values(value).every((item) => typeof item === 'string')
  );
}
