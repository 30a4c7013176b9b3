// The IoT policies the local endpoint knows, by name, parsed once (CreatePolicy) and kept in a JSON file.
// It always holds the default device policy the IoTCoreStack deploys, so a thing provisioned locally gets
// the rights it gets on AWS.
import { readFile, rename, writeFile } from 'node:fs/promises';
import {
  devicePolicyDocument,
  devicePolicyName,
  parseIotPolicy,
  type AwsLocation,
  type CompiledIotPolicy,
} from '../core/index.js';

export class PolicyNotFoundError extends Error {
  readonly code = 'RESOURCE_NOT_FOUND';
  constructor(policyName: string) {
    super(`IoT policy "${policyName}" does not exist: create it first, or attach "${devicePolicyName}".`);
  }
}

export class PolicyAlreadyExistsError extends Error {
  readonly code = 'RESOURCE_ALREADY_EXISTS';
  constructor(policyName: string) {
    super(`IoT policy "${policyName}" already exists: pick another name.`);
  }
}

/** Like AWS DeleteConflictException from DeletePolicy: the policy is still attached. */
export class PolicyDeleteConflictError extends Error {
  readonly code = 'DELETE_CONFLICT';
  constructor(policyName: string, certificateIds: readonly string[]) {
    super(
      `IoT policy "${policyName}" is attached to certificate ${certificateIds.join(', ')}: ` +
        'detach it with DetachPolicy first, then delete it.',
    );
  }
}

/** The default device policy comes back at every start, so deleting it would not last: it is refused. */
export class DevicePolicyUndeletableError extends Error {
  readonly code = 'INVALID_REQUEST';
  constructor() {
    super(
      `IoT policy "${devicePolicyName}" is the one the IoTCoreStack deploys and the local endpoint re-creates ` +
        'at every start: it cannot be deleted locally; detach it from certificates that should not have it.',
    );
  }
}

export interface StoredPolicy {
  readonly policyName: string;
  readonly policyArn: string;
  /** The document as given, JSON text. */
  readonly policyDocument: string;
  readonly compiled: CompiledIotPolicy;
}

export class LocalPolicyStore {
  private readonly policies = new Map<string, StoredPolicy>();

  private constructor(
    private readonly path: string | undefined,
    private readonly location: AwsLocation,
  ) {
    const { partition = 'aws', region, account } = location;
    this.keep(devicePolicyName, JSON.stringify(devicePolicyDocument(partition, region, account)));
  }

  /** Opens the file of created policies (or starts empty); `undefined` keeps them in memory only. */
  static async open(path: string | undefined, location: AwsLocation): Promise<LocalPolicyStore> {
    const store = new LocalPolicyStore(path, location);
    if (path === undefined) return store;
    const saved = await readFile(path, 'utf8').then(
      (text) => JSON.parse(text) as Record<string, string>,
      (error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return {};
        throw error;
      },
    );
    for (const [policyName, document] of Object.entries(saved)) store.keep(policyName, document);
    return store;
  }

  /** Like AWS CreatePolicy: parses the document (InvalidIotPolicyError / UnsupportedPolicyFeatureError). */
  async createPolicy(policyName: string, policyDocument: string): Promise<StoredPolicy> {
    if (this.policies.has(policyName)) throw new PolicyAlreadyExistsError(policyName);
    const stored = this.keep(policyName, policyDocument);
    await this.save();
    return stored;
  }

  /**
   * Like AWS DeletePolicy: refused while it is attached to a certificate (`attachedTo`, from
   * CertificateRegistry, which keeps the attachments). Policies here have one version, so none to delete first.
   */
  async deletePolicy(policyName: string, attachedTo: readonly string[]): Promise<void> {
    this.getPolicy(policyName);
    if (policyName === devicePolicyName) throw new DevicePolicyUndeletableError();
    if (attachedTo.length > 0) throw new PolicyDeleteConflictError(policyName, attachedTo);
    this.policies.delete(policyName);
    await this.save();
  }

  getPolicy(policyName: string): StoredPolicy {
    const policy = this.policies.get(policyName);
    if (!policy) throw new PolicyNotFoundError(policyName);
    return policy;
  }

  /** Every policy, by name. */
  listPolicies(): StoredPolicy[] {
    return [...this.policies.values()].sort((a, b) => (a.policyName < b.policyName ? -1 : 1));
  }

  /** The named policies that exist; a name without a policy grants nothing, as on AWS. */
  policiesNamed(policyNames: readonly string[]): CompiledIotPolicy[] {
    return policyNames.flatMap((name) => this.policies.get(name)?.compiled ?? []);
  }

  policyArnOf(policyName: string): string {
    const { partition = 'aws', region, account } = this.location;
    return `arn:${partition}:iot:${region}:${account}:policy/${policyName}`;
  }

  private keep(policyName: string, policyDocument: string): StoredPolicy {
    const stored: StoredPolicy = {
      policyName,
      policyArn: this.policyArnOf(policyName),
      policyDocument,
      compiled: parseIotPolicy(policyName, policyDocument),
    };
    this.policies.set(policyName, stored);
    return stored;
  }

  private async save(): Promise<void> {
    if (this.path === undefined) return;
    const created = Object.fromEntries(
      [...this.policies.values()]
        .filter((policy) => policy.policyName !== devicePolicyName)
        .map((policy) => [policy.policyName, policy.policyDocument]),
    );
    const temporary = `${this.path}.tmp`;
    await writeFile(temporary, JSON.stringify(created, null, 2));
    await rename(temporary, this.path);
  }
}
