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

  private keep(policyName: string, policyDocument: string): StoredPolicy {
    const { partition = 'aws', region, account } = this.location;
    const stored: StoredPolicy = {
      policyName,
      policyArn: `arn:${partition}:iot:${region}:${account}:policy/${policyName}`,
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
