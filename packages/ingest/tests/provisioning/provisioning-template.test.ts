// The provisioning template core: checking a template when it is stored and evaluating it with a
// device's RegisterThing parameters (provision-template.html, fleet-provision-api.html#register-thing).
import { describe, expect, it } from 'vitest';
import {
  checkProvisioningTemplate,
  evaluateProvisioningTemplate,
  fleetProvisioningTemplate,
  ProvisioningTemplateError,
} from '../../src/core/index.js';

const certificateId = 'a'.repeat(64);

function refusal(run: () => unknown): ProvisioningTemplateError {
  try {
    run();
  } catch (error) {
    if (error instanceof ProvisioningTemplateError) return error;
    throw error;
  }
  throw new Error('expected a ProvisioningTemplateError');
}

describe('the fleet template', () => {
  const template = checkProvisioningTemplate(
    fleetProvisioningTemplate('environment-sensor', 'tributary-device'),
  );

  it('names the thing after the serial number, with its site, type, active certificate and device policy', () => {
    const plan = evaluateProvisioningTemplate(template, {
      parameters: { SerialNumber: '0042', Site: 'plant-north' },
      certificateId,
    });
    expect(plan).toEqual({
      thing: {
        thingName: 'sensor-0042',
        thingTypeName: 'environment-sensor',
        attributes: { site: 'plant-north' },
        thingGroups: [],
      },
      certificate: { certificateId, status: 'ACTIVE' },
      policies: [{ policyName: 'tributary-device' }],
      deviceConfiguration: {},
    });
  });

  it('refuses a request that leaves out a declared parameter, naming every one missing', () => {
    const error = refusal(() => evaluateProvisioningTemplate(template, { parameters: {}, certificateId }));
    expect(error.code).toBe('MISSING_PARAMETERS');
    expect(error.message).toContain('SerialNumber, Site');
  });
});

describe('intrinsic functions', () => {
  const evaluate = (body: object, parameters: Record<string, string> = {}) =>
    evaluateProvisioningTemplate(checkProvisioningTemplate(body), { parameters, certificateId });

  it('evaluates Fn::Split, Fn::Select, Fn::Sub, Fn::FindInMap and parameter defaults in DeviceConfiguration', () => {
    const plan = evaluate(
      {
        Parameters: { Location: { Type: 'String', Default: 'Seattle' }, Tags: { Type: 'String' } },
        Mappings: { LocationTable: { Seattle: { LocationUrl: 'https://example.aws' } } },
        Resources: {},
        DeviceConfiguration: {
          second: { 'Fn::Select': [1, { 'Fn::Split': [',', { Ref: 'Tags' }] }] },
          greeting: { 'Fn::Sub': 'hello ${Location}, literally ${!Location}' },
          named: { 'Fn::Sub': ['${a}-${Location}', { a: 'x' }] },
          url: { 'Fn::FindInMap': ['LocationTable', { Ref: 'Location' }, 'LocationUrl'] },
        },
      },
      { Tags: 'red,green,blue' },
    );
    expect(plan.deviceConfiguration).toEqual({
      second: 'green',
      greeting: 'hello Seattle, literally ${Location}',
      named: 'x-Seattle',
      url: 'https://example.aws',
    });
  });

  it('refuses a template using a function provisioning templates do not support, naming it', () => {
    const error = refusal(() =>
      checkProvisioningTemplate({
        Resources: {
          thing: {
            Type: 'AWS::IoT::Thing',
            Properties: { ThingName: { 'Fn::If': ['IsProd', 'a', 'b'] } },
          },
        },
      }),
    );
    expect(error.code).toBe('UNSUPPORTED_TEMPLATE_FEATURE');
    expect(error.message).toContain('Fn::If');
    expect(error.message).toContain('Resources.thing.Properties.ThingName');
  });

  it('fails an Fn::Select outside its list at RegisterThing (AWS: a provisioning error)', () => {
    const error = refusal(() =>
      evaluate({ Resources: {}, DeviceConfiguration: { x: { 'Fn::Select': [3, ['a']] } } }),
    );
    expect(error.code).toBe('TEMPLATE_EVALUATION');
  });

  it('refuses a Ref to a parameter the template does not declare', () => {
    const error = refusal(() => evaluate({ Resources: {}, DeviceConfiguration: { x: { Ref: 'Nope' } } }));
    expect(error.message).toContain('"Nope"');
  });
});

describe('resources', () => {
  it('accepts "Active" as AWS examples write it, and thing groups', () => {
    const plan = evaluateProvisioningTemplate(
      checkProvisioningTemplate({
        Parameters: { 'AWS::IoT::Certificate::Id': { Type: 'String' } },
        Resources: {
          thing: { Type: 'AWS::IoT::Thing', Properties: { ThingName: 'pump-1', ThingGroups: ['pumps'] } },
          certificate: {
            Type: 'AWS::IoT::Certificate',
            Properties: { CertificateId: { Ref: 'AWS::IoT::Certificate::Id' }, Status: 'Active' },
          },
          policy: { Type: 'AWS::IoT::Policy', Properties: { PolicyDocument: { Version: '2012-10-17' } } },
        },
      }),
      { parameters: {}, certificateId },
    );
    expect(plan.certificate).toEqual({ certificateId, status: 'ACTIVE' });
    expect(plan.thing?.thingGroups).toEqual(['pumps']);
    expect(plan.policies).toEqual([{ policyDocument: '{"Version":"2012-10-17"}' }]);
  });

  it.each([
    ['an unknown resource type', { r: { Type: 'AWS::S3::Bucket' } }, 'INVALID_TEMPLATE'],
    [
      'OverrideSettings (not emulated)',
      { r: { Type: 'AWS::IoT::Thing', Properties: { ThingName: 't' }, OverrideSettings: {} } },
      'UNSUPPORTED_TEMPLATE_FEATURE',
    ],
    [
      'a CSR certificate in a fleet template',
      { r: { Type: 'AWS::IoT::Certificate', Properties: { CertificateSigningRequest: 'x' } } },
      'UNSUPPORTED_TEMPLATE_FEATURE',
    ],
    [
      'a policy with neither name nor document',
      { r: { Type: 'AWS::IoT::Policy', Properties: {} } },
      'INVALID_TEMPLATE',
    ],
  ])('refuses %s when the template is stored', (_name, resources, code) => {
    expect(refusal(() => checkProvisioningTemplate({ Resources: resources })).code).toBe(code);
  });
});
