// What the broker knows about a connection when it asks for a decision: the values AWS IoT Core
// substitutes for policy variables (basic-policy-variables.html, thing-policy-variables.html,
// cert-policy-variables.html) and the account/region the resource ARNs live in.

/** Where resources live; ARNs are `arn:<partition>:iot:<region>:<account>:<kind>/<name>`. */
export interface AwsLocation {
  readonly region: string;
  readonly account: string;
  /** @default 'aws' */
  readonly partition?: string;
}

/** The certificate subject/issuer attributes AWS IoT exposes as policy variables (cert-policy-variables.html). */
export const certificateAttributes = [
  'CommonName',
  'Country',
  'DistinguishedNameQualifier',
  'GenerationQualifier',
  'GivenName',
  'Initials',
  'Organization',
  'OrganizationalUnit',
  'Pseudonym',
  'SerialNumber',
  'State',
  'Surname',
  'Title',
] as const;
export type CertificateAttribute = (typeof certificateAttributes)[number];

export type CertificateNames = Readonly<Partial<Record<CertificateAttribute, string>>>;

/** OpenSSL short names, as Node's TLSSocket.getPeerCertificate() keys `subject` and `issuer`. */
const attributeByShortName: Readonly<Record<string, CertificateAttribute>> = {
  CN: 'CommonName',
  C: 'Country',
  dnQualifier: 'DistinguishedNameQualifier',
  generationQualifier: 'GenerationQualifier',
  GN: 'GivenName',
  initials: 'Initials',
  O: 'Organization',
  OU: 'OrganizationalUnit',
  pseudonym: 'Pseudonym',
  serialNumber: 'SerialNumber',
  ST: 'State',
  SN: 'Surname',
  title: 'Title',
};

/**
 * A certificate subject or issuer as Node's getPeerCertificate() gives it, named as AWS IoT's policy
 * variables are. A multi-valued attribute contributes its first value, which is what
 * `iot:Certificate.Subject.<attribute>` resolves to (cert-policy-variables.html).
 */
export function certificateNamesFrom(
  distinguishedName: Readonly<Record<string, string | readonly string[] | undefined>>,
): CertificateNames {
  const names: Partial<Record<CertificateAttribute, string>> = {};
  for (const [shortName, value] of Object.entries(distinguishedName)) {
    const attribute = attributeByShortName[shortName];
    const first = typeof value === 'string' ? value : value?.[0];
    if (attribute && first !== undefined) names[attribute] = first;
  }
  return names;
}

/** A registry thing the connecting certificate is attached to (AttachThingPrincipal). */
export interface AttachedThing {
  readonly thingName: string;
  readonly thingTypeName?: string;
  readonly attributes: Readonly<Record<string, string>>;
}

export interface IotAuthorizationContext extends AwsLocation {
  /** The MQTT client id of the connection. */
  readonly clientId: string;
  /**
   * The thing the certificate is attached to. Thing variables resolve only when its name equals
   * `clientId` ("the value of clientId … must exactly match the thing name", thing-policy-variables.html);
   * otherwise they stay unresolved, as if no thing were attached.
   */
  readonly thing?: AttachedThing;
  /** The client certificate's names; the first value of each attribute (multi-valued forms are not modelled). */
  readonly certificate?: { readonly subject: CertificateNames; readonly issuer: CertificateNames };
}
