// Policy variables and condition keys: which names AWS IoT Core defines, and the value each takes for a
// connection. A name AWS defines but the local platform does not model is refused, never guessed.
// Names are case-insensitive, as IAM condition keys are (reference_policies_variables.html);
// a thing attribute's own name keeps its case.
import { PolicyProblem } from './errors.js';
import { certificateAttributes, type CertificateAttribute, type IotAuthorizationContext } from './context.js';

export type PolicyVariable =
  | { readonly kind: 'clientId' }
  | { readonly kind: 'thingName' }
  | { readonly kind: 'thingTypeName' }
  | { readonly kind: 'thingIsAttached' }
  | { readonly kind: 'thingAttribute'; readonly attribute: string }
  | {
      readonly kind: 'certificate';
      readonly part: 'subject' | 'issuer';
      readonly attribute: CertificateAttribute;
    };

const fixedNames: Readonly<Record<string, PolicyVariable>> = {
  'iot:clientid': { kind: 'clientId' },
  'iot:connection.thing.thingname': { kind: 'thingName' },
  'iot:connection.thing.thingtypename': { kind: 'thingTypeName' },
  'iot:connection.thing.isattached': { kind: 'thingIsAttached' },
};
const thingAttribute = /^iot:connection\.thing\.attributes\[(.+)\]$/i;
const certificateName = /^iot:certificate\.(subject|issuer)\.([a-z]+)$/i;

/** The variable (or condition key) a name refers to; throws a PolicyProblem for any other name. */
export function policyVariableNamed(name: string): PolicyVariable {
  const fixed = fixedNames[name.toLowerCase()];
  if (fixed) return fixed;
  const attribute = thingAttribute.exec(name)?.[1];
  if (attribute !== undefined) return { kind: 'thingAttribute', attribute };
  const certificate = certificateName.exec(name);
  if (certificate) {
    const known = certificateAttributes.find((a) => a.toLowerCase() === certificate[2]!.toLowerCase());
    if (known) {
      return {
        kind: 'certificate',
        part: certificate[1]!.toLowerCase() as 'subject' | 'issuer',
        attribute: known,
      };
    }
  }
  throw unknownName(name);
}

function unknownName(name: string): PolicyProblem {
  if (/^iot:certificate\./i.test(name)) {
    return new PolicyProblem(
      `"${name}": only iot:Certificate.Subject.<attribute> and iot:Certificate.Issuer.<attribute> with ` +
        `one of ${certificateAttributes.join(', ')} are evaluated locally (no .List, indexes, ` +
        `AlternativeName, SerialNumber or AvailableKeys)`,
      'unsupported',
    );
  }
  if (/^(aws|iot):/i.test(name) && !/^iot:(thing|connection)\./i.test(name)) {
    return new PolicyProblem(
      `"${name}" is not evaluated locally; use iot:ClientId or a thing or certificate variable`,
      'unsupported',
    );
  }
  return new PolicyProblem(
    `"${name}" is not an AWS IoT policy variable or condition key; did you mean ` +
      `iot:Connection.Thing.ThingName, iot:Connection.Thing.ThingTypeName, ` +
      `iot:Connection.Thing.Attributes[name] or iot:Connection.Thing.IsAttached?`,
    'invalid',
  );
}

/**
 * The value of a variable for this connection, or undefined when AWS leaves it unresolved: no thing
 * attached under the client id, an attribute the thing lacks, or a certificate value holding a wildcard
 * or longer than 1024 characters (cert-policy-variables.html, "X.509 certificate policy variable limitations").
 */
export function resolveVariable(
  variable: PolicyVariable,
  context: IotAuthorizationContext,
): string | undefined {
  const thing = context.thing?.thingName === context.clientId ? context.thing : undefined;
  switch (variable.kind) {
    case 'clientId':
      return context.clientId;
    case 'thingName':
      return thing?.thingName;
    case 'thingTypeName':
      return thing?.thingTypeName;
    case 'thingIsAttached':
      return thing ? 'true' : 'false';
    case 'thingAttribute':
      return thing?.attributes[variable.attribute];
    case 'certificate': {
      const value = context.certificate?.[variable.part][variable.attribute];
      return value === undefined || /[*?]/.test(value) || value.length > 1024 ? undefined : value;
    }
  }
}
