// IoT policies over the control plane, as the IoT API reference defines them: CreatePolicy, ListPolicies,
// GetPolicy, DeletePolicy, and AttachPolicy, DetachPolicy, ListAttachedPolicies with a certificate as the
// target (https://docs.aws.amazon.com/iot/latest/apireference/). Paths are those of @aws-sdk/client-iot.
import { z } from 'zod';
import type { CertificateRegistry } from '../pki/certificate-registry.js';
import type { LocalPolicyStore, StoredPolicy } from '../policy-store.js';
import { pageOfNames } from '../registry/index.js';
import { certificateIdOfPrincipal } from './certificate-arns.js';
import { pageQuery, parseBody, queryBoolean, queryInteger, queryString } from './request-input.js';
import type { ControlPlaneRoute } from './route-table.js';

export interface PolicyRoutesOptions {
  readonly certificates: CertificateRegistry;
  readonly policies: LocalPolicyStore;
}

const CreatePolicyBody = z.object({ policyDocument: z.string().min(1) });
const PolicyTargetBody = z.object({ target: z.string().min(1) });

export function policyRoutes(options: PolicyRoutesOptions): ControlPlaneRoute[] {
  const { certificates, policies } = options;

  return [
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
      method: 'DELETE',
      path: '/policies/{policyName}',
      operation: 'DeletePolicy',
      async handle({ labels }) {
        const policyName = labels['policyName'] ?? '';
        await policies.deletePolicy(policyName, certificates.certificatesWithPolicy(policyName));
        return undefined;
      },
    },
    {
      method: 'PUT',
      path: '/target-policies/{policyName}',
      operation: 'AttachPolicy',
      async handle({ labels, body }) {
        const policyName = labels['policyName'] ?? '';
        policies.getPolicy(policyName);
        const input = parseBody('AttachPolicy', PolicyTargetBody, body);
        await certificates.attachPolicy(policyName, certificateIdOfPrincipal(input.target));
        return undefined;
      },
    },
    {
      method: 'POST',
      path: '/target-policies/{policyName}',
      operation: 'DetachPolicy',
      async handle({ labels, body }) {
        // Not checked against the store: AWS DetachPolicy names no ResourceNotFoundException.
        const input = parseBody('DetachPolicy', PolicyTargetBody, body);
        await certificates.detachPolicy(labels['policyName'] ?? '', certificateIdOfPrincipal(input.target));
        return undefined;
      },
    },
    {
      method: 'POST',
      path: '/attached-policies/{target}',
      operation: 'ListAttachedPolicies',
      async handle({ labels, query }) {
        // `recursive` follows thing groups to their policies; a certificate target has only its own.
        queryBoolean(query, 'recursive');
        const attached = await certificates.listAttachedPolicies(certificateIdOfPrincipal(labels['target']));
        const page = pageOfNames(
          attached,
          { maxResults: queryInteger(query, 'pageSize'), nextToken: queryString(query, 'marker') },
          { limit: 'pageSize', token: 'marker' },
        );
        return {
          policies: page.items.map((policyName) => ({
            policyName,
            policyArn: policies.policyArnOf(policyName),
          })),
          nextMarker: page.nextToken,
        };
      },
    },
  ];
}

const policyView = (policy: StoredPolicy) => ({
  policyName: policy.policyName,
  policyArn: policy.policyArn,
  policyDocument: policy.policyDocument,
});
