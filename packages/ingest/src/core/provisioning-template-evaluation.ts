// Checks a provisioning template and evaluates it with a device's RegisterThing parameters into the plan
// of what to provision: the thing, the certificate's status, the policies and the device configuration
// (provision-template.html, fleet-provision-api.html#register-thing). Pure: the adapter applies the plan.
import {
  certificateIdParameter,
  type ProvisioningTemplateBody,
  type ProvisioningTemplateResource,
} from './provisioning-template.js';
import {
  evaluationFailed,
  invalidTemplate,
  ProvisioningTemplateError,
} from './provisioning-template-errors.js';
import {
  assertSupportedFunctions,
  resolveValue,
  type ResolutionContext,
} from './provisioning-template-functions.js';

export interface ProvisioningPlan {
  readonly thing?: {
    readonly thingName: string;
    readonly thingTypeName?: string;
    readonly attributes: Readonly<Record<string, string>>;
    readonly thingGroups: readonly string[];
  };
  readonly certificate?: { readonly certificateId: string; readonly status: 'ACTIVE' | 'INACTIVE' };
  /** An existing policy by name, or a document to create (named by PolicyName, or by its hash as on AWS). */
  readonly policies: readonly { readonly policyName?: string; readonly policyDocument?: string }[];
  readonly deviceConfiguration: Readonly<Record<string, unknown>>;
}

export interface RegisterThingInput {
  /** RegisterThing's `parameters`, string to string. */
  readonly parameters: Readonly<Record<string, string>>;
  /** The certificate the ownership token stands for; the service passes it as `AWS::IoT::Certificate::Id`. */
  readonly certificateId: string;
}

const resourceProperties: Record<string, readonly string[]> = {
  'AWS::IoT::Thing': ['ThingName', 'ThingTypeName', 'AttributePayload', 'ThingGroups'],
  // Only certificate ids can be used with a fleet provisioning template (provision-template.html).
  'AWS::IoT::Certificate': ['CertificateId', 'Status'],
  'AWS::IoT::Policy': ['PolicyName', 'PolicyDocument'],
};

/** The template, parsed and checked; refuses (ProvisioningTemplateError) what AWS refuses or we do not emulate. */
export function checkProvisioningTemplate(templateBody: string | object): ProvisioningTemplateBody {
  const template = typeof templateBody === 'string' ? parseJson(templateBody) : templateBody;
  if (!isRecord(template) || !isRecord(template['Resources'])) {
    throw invalidTemplate('A provisioning template is a JSON object with a "Resources" object');
  }
  const known = ['Parameters', 'Mappings', 'Resources', 'DeviceConfiguration'];
  for (const section of Object.keys(template)) {
    if (!known.includes(section)) {
      throw new ProvisioningTemplateError(
        'UNSUPPORTED_TEMPLATE_FEATURE',
        `Template section "${section}" is not supported: use only ${known.join(', ')}`,
      );
    }
  }
  const types = Object.entries(template['Resources']).map(([name, resource]) =>
    checkResource(name, resource),
  );
  for (const single of ['AWS::IoT::Thing', 'AWS::IoT::Certificate']) {
    if (types.filter((type) => type === single).length > 1) {
      throw invalidTemplate(`A provisioning template declares at most one ${single} resource`);
    }
  }
  assertSupportedFunctions(template['Resources'], 'Resources');
  assertSupportedFunctions(template['DeviceConfiguration'], 'DeviceConfiguration');
  assertSupportedFunctions(template['Parameters'], 'Parameters');
  return template as unknown as ProvisioningTemplateBody;
}

/** What RegisterThing provisions for these parameters; MISSING_PARAMETERS names every one left out. */
export function evaluateProvisioningTemplate(
  template: ProvisioningTemplateBody,
  input: RegisterThingInput,
): ProvisioningPlan {
  const context: ResolutionContext = {
    parameters: parameterValues(template, input),
    mappings: template.Mappings ?? {},
  };
  let plan: ProvisioningPlan = { policies: [], deviceConfiguration: {} };
  for (const [name, resource] of Object.entries(template.Resources)) {
    const properties = resolveValue(resource.Properties ?? {}, context, `Resources.${name}.Properties`);
    plan = withResource(plan, resource.Type, properties as Record<string, unknown>, `Resources.${name}`);
  }
  const deviceConfiguration = resolveValue(
    template.DeviceConfiguration ?? {},
    context,
    'DeviceConfiguration',
  );
  return { ...plan, deviceConfiguration: deviceConfiguration as Record<string, unknown> };
}

function parameterValues(
  template: ProvisioningTemplateBody,
  input: RegisterThingInput,
): Record<string, string> {
  const values: Record<string, string> = {};
  const missing: string[] = [];
  for (const [name, declaration] of Object.entries(template.Parameters ?? {})) {
    const given = name === certificateIdParameter ? input.certificateId : input.parameters[name];
    const value = given ?? declaration.Default;
    if (value === undefined) missing.push(name);
    else values[name] = String(value);
  }
  if (missing.length > 0) {
    throw new ProvisioningTemplateError(
      'MISSING_PARAMETERS',
      `Missing parameters: ${missing.join(', ')}: pass them in RegisterThing's "parameters"`,
    );
  }
  return values;
}

function checkResource(name: string, resource: unknown): string {
  const where = `Resources.${name}`;
  if (!isRecord(resource) || typeof resource['Type'] !== 'string') {
    throw invalidTemplate(`${where} needs a "Type"`);
  }
  const type = resource['Type'];
  const allowed = resourceProperties[type];
  if (!allowed) {
    throw invalidTemplate(`${where} has Type "${type}": use ${Object.keys(resourceProperties).join(', ')}`);
  }
  if ((resource as Partial<ProvisioningTemplateResource>).OverrideSettings !== undefined) {
    throw new ProvisioningTemplateError(
      'UNSUPPORTED_TEMPLATE_FEATURE',
      `${where}.OverrideSettings is not emulated locally: remove it (an existing thing with another ` +
        'configuration is then refused, like OverrideSettings FAIL)',
    );
  }
  const properties = isRecord(resource['Properties']) ? resource['Properties'] : {};
  for (const property of Object.keys(properties)) {
    if (!allowed.includes(property)) {
      throw new ProvisioningTemplateError(
        'UNSUPPORTED_TEMPLATE_FEATURE',
        `${where}.Properties.${property} is not supported for ${type} in a fleet provisioning template: ` +
          `use ${allowed.join(', ')}`,
      );
    }
  }
  if (type === 'AWS::IoT::Policy' && 'PolicyName' in properties === 'PolicyDocument' in properties) {
    throw invalidTemplate(`${where} needs exactly one of PolicyName and PolicyDocument`);
  }
  if (type === 'AWS::IoT::Thing' && !('ThingName' in properties))
    throw invalidTemplate(`${where} needs a ThingName`);
  if (type === 'AWS::IoT::Certificate' && !('CertificateId' in properties)) {
    throw invalidTemplate(`${where} needs a CertificateId (e.g. {"Ref": "${certificateIdParameter}"})`);
  }
  return type;
}

function withResource(
  plan: ProvisioningPlan,
  type: string,
  properties: Record<string, unknown>,
  where: string,
): ProvisioningPlan {
  if (type === 'AWS::IoT::Thing') {
    const thingTypeName = properties['ThingTypeName'];
    return {
      ...plan,
      thing: {
        thingName: stringAt(properties['ThingName'], `${where}.ThingName`),
        ...(thingTypeName === undefined
          ? {}
          : { thingTypeName: stringAt(thingTypeName, `${where}.ThingTypeName`) }),
        attributes: stringMap(properties['AttributePayload'] ?? {}, `${where}.AttributePayload`),
        thingGroups: stringList(properties['ThingGroups'] ?? [], `${where}.ThingGroups`),
      },
    };
  }
  if (type === 'AWS::IoT::Certificate') {
    // AWS's own examples write "Active"; the status is case-insensitive.
    const status = stringAt(properties['Status'] ?? 'ACTIVE', `${where}.Status`).toUpperCase();
    if (status !== 'ACTIVE' && status !== 'INACTIVE') {
      throw evaluationFailed(`${where}.Status is "${status}": use ACTIVE or INACTIVE`);
    }
    return {
      ...plan,
      certificate: { certificateId: stringAt(properties['CertificateId'], `${where}.CertificateId`), status },
    };
  }
  const document = properties['PolicyDocument'];
  const policy =
    document === undefined
      ? { policyName: stringAt(properties['PolicyName'], `${where}.PolicyName`) }
      : { policyDocument: typeof document === 'string' ? document : JSON.stringify(document) };
  return { ...plan, policies: [...plan.policies, policy] };
}

function stringAt(value: unknown, where: string): string {
  if (typeof value !== 'string' || value === '') {
    throw evaluationFailed(`${where} must be a non-empty string, got ${JSON.stringify(value)}`);
  }
  return value;
}

function stringMap(value: unknown, where: string): Record<string, string> {
  if (!isRecord(value)) throw evaluationFailed(`${where} must be an object of strings`);
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [
      key,
      typeof item === 'number' ? String(item) : stringAt(item, `${where}.${key}`),
    ]),
  );
}

function stringList(value: unknown, where: string): string[] {
  if (!Array.isArray(value)) throw evaluationFailed(`${where} must be a list of strings`);
  return value.map((item, index) => stringAt(item, `${where}[${index}]`));
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw invalidTemplate(`The template body is not JSON: ${(error as Error).message}`);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
