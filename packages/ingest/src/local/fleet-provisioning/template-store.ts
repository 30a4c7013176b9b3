// The provisioning templates the local endpoint knows, by name, kept in a JSON file under the data
// directory: what CreateProvisioningTemplate / DescribeProvisioningTemplate / ListProvisioningTemplates
// manage on AWS (https://docs.aws.amazon.com/iot/latest/apireference/API_CreateProvisioningTemplate.html).
// A template is checked when it is stored, so an unsupported one is refused then, not at a device's RegisterThing.
import { readFile, rename, writeFile } from 'node:fs/promises';
import {
  checkProvisioningTemplate,
  type AwsLocation,
  type ProvisioningTemplateBody,
} from '../../core/index.js';
import { InvalidRequestError } from '../registry/index.js';
import {
  ProvisioningTemplateAlreadyExistsError,
  ProvisioningTemplateNotFoundError,
} from './template-errors.js';

export interface ProvisioningTemplateDefinition {
  readonly templateName: string;
  /** JSON text, as CreateProvisioningTemplate's templateBody. */
  readonly templateBody: string;
  readonly description?: string;
  /** @default false, as on AWS */
  readonly enabled?: boolean;
  readonly provisioningRoleArn?: string;
}

export interface StoredProvisioningTemplate extends ProvisioningTemplateDefinition {
  readonly templateArn: string;
  readonly enabled: boolean;
  readonly creationDate: string;
  readonly lastModifiedDate: string;
}

const templateNamePattern = /^[0-9A-Za-z_-]{1,36}$/;

export class ProvisioningTemplateStore {
  private readonly templates = new Map<string, StoredProvisioningTemplate>();
  private readonly checked = new Map<string, ProvisioningTemplateBody>();

  private constructor(
    private readonly path: string,
    private readonly location: AwsLocation,
  ) {}

  static async open(path: string, location: AwsLocation): Promise<ProvisioningTemplateStore> {
    const store = new ProvisioningTemplateStore(path, location);
    const saved = await readFile(path, 'utf8').then(
      (text) => JSON.parse(text) as StoredProvisioningTemplate[],
      (error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return [];
        throw error;
      },
    );
    for (const template of saved) store.keep(template);
    return store;
  }

  /** Like CreateProvisioningTemplate: a name in use is ResourceAlreadyExists; the body is checked. */
  async create(definition: ProvisioningTemplateDefinition): Promise<StoredProvisioningTemplate> {
    if (this.templates.has(definition.templateName)) {
      throw new ProvisioningTemplateAlreadyExistsError(definition.templateName);
    }
    return this.put(definition);
  }

  /** Creates or replaces a template the platform itself defines (the fleet's, at every start). */
  async put(definition: ProvisioningTemplateDefinition): Promise<StoredProvisioningTemplate> {
    if (!templateNamePattern.test(definition.templateName)) {
      throw new InvalidRequestError(
        `Invalid provisioning template name "${definition.templateName}": use 1-36 characters of [0-9A-Za-z_-]`,
      );
    }
    const now = new Date().toISOString();
    const { partition = 'aws', region, account } = this.location;
    const stored = this.keep({
      ...definition,
      enabled: definition.enabled ?? false,
      templateArn: `arn:${partition}:iot:${region}:${account}:provisioningtemplate/${definition.templateName}`,
      creationDate: this.templates.get(definition.templateName)?.creationDate ?? now,
      lastModifiedDate: now,
    });
    await this.save();
    return stored;
  }

  describe(templateName: string): StoredProvisioningTemplate | undefined {
    return this.templates.get(templateName);
  }

  require(templateName: string): StoredProvisioningTemplate {
    const template = this.templates.get(templateName);
    if (!template) throw new ProvisioningTemplateNotFoundError(templateName);
    return template;
  }

  /** The checked template body, for RegisterThing. */
  bodyOf(templateName: string): ProvisioningTemplateBody {
    this.require(templateName);
    return this.checked.get(templateName) as ProvisioningTemplateBody;
  }

  list(): StoredProvisioningTemplate[] {
    return [...this.templates.values()].sort((a, b) => a.templateName.localeCompare(b.templateName));
  }

  private keep(template: StoredProvisioningTemplate): StoredProvisioningTemplate {
    this.checked.set(template.templateName, checkProvisioningTemplate(template.templateBody));
    this.templates.set(template.templateName, template);
    return template;
  }

  private async save(): Promise<void> {
    const temporary = `${this.path}.tmp`;
    await writeFile(temporary, JSON.stringify(this.list(), null, 2));
    await rename(temporary, this.path);
  }
}
