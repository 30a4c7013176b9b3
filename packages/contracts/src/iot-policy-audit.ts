// Audits an AWS IoT policy document the way Device Defender's IOT_POLICY_OVERLY_PERMISSIVE_CHECK and
// POTENTIAL_MISCONFIGURATION do — the checks cdk-nag has no rules for. Pure: the CDK rule pack and a
// local audit both run it. Policy semantics: iot-policies.html (explicit Deny wins; in IoT policies `*`
// and `?` are wildcards while MQTT's `+` and `#` are literal characters).

export type IotPolicyFindingId =
  /** An Allow of every IoT action (`iot:*` or `*`). */
  | 'WildcardAction'
  /** An Allow on every resource (`*`, or an ARN that ends in `:*`). */
  | 'WildcardResource'
  /** iot:Connect allowed for any client id without requiring the certificate be attached to that thing. */
  | 'ConnectAnyClient'
  /** iot:Connect allowed for fixed client ids instead of one per thing (a shared certificate or id). */
  | 'ConnectWithoutThingVariable'
  /** A Deny naming `+` or `#`, which policies read literally: it blocks nothing the author meant. */
  | 'MqttWildcardInDeny';

export interface IotPolicyFinding {
  readonly id: IotPolicyFindingId;
  /** What is wrong, in words a user can act on. */
  readonly message: string;
}

interface Statement {
  readonly Effect?: string;
  readonly Action?: string | string[];
  readonly Resource?: string | string[];
  readonly Condition?: Record<string, Record<string, unknown>>;
}

const listOf = (value: string | string[] | undefined): string[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

const thingVariables = ['${iot:Connection.Thing.ThingName}', '${iot:ClientId}'];

/** Findings for one policy document (as JSON or parsed); none means it passed. */
export function auditIotPolicy(
  document: string | { Statement?: Statement | Statement[] },
): IotPolicyFinding[] {
  const parsed =
    typeof document === 'string'
      ? (JSON.parse(document) as { Statement?: Statement | Statement[] })
      : document;
  const statements =
    parsed.Statement === undefined
      ? []
      : Array.isArray(parsed.Statement)
        ? parsed.Statement
        : [parsed.Statement];
  const findings: IotPolicyFinding[] = [];
  for (const [index, statement] of statements.entries()) {
    const where = `statement ${index + 1}`;
    const actions = listOf(statement.Action).map((a) => a.toLowerCase());
    const resources = listOf(statement.Resource);
    if (statement.Effect === 'Deny') {
      for (const resource of resources.filter((r) => /[+#]/.test(r))) {
        findings.push({
          id: 'MqttWildcardInDeny',
          message: `${where} denies "${resource}", but IoT policies read + and # literally: use * to deny a range of topics.`,
        });
      }
      continue;
    }
    if (statement.Effect !== 'Allow') continue;
    if (actions.some((a) => a === '*' || a === 'iot:*')) {
      findings.push({
        id: 'WildcardAction',
        message: `${where} allows every IoT action: list the actions devices need.`,
      });
    }
    if (resources.some((r) => r === '*' || r.endsWith(':*'))) {
      findings.push({
        id: 'WildcardResource',
        message: `${where} allows every resource: scope it to client/, topic/ or topicfilter/ ARNs.`,
      });
    }
    if (actions.some((a) => a === 'iot:connect' || a === '*' || a === 'iot:*')) {
      const clients = resources.filter((r) => /:client\//.test(r));
      const attachedRequired = statement.Condition?.['Bool']?.['iot:Connection.Thing.IsAttached'] === 'true';
      if (clients.some((r) => /:client\/\*$/.test(r)) && !attachedRequired) {
        findings.push({
          id: 'ConnectAnyClient',
          message: `${where} lets a certificate connect with any client id: use client/\${iot:Connection.Thing.ThingName} or require iot:Connection.Thing.IsAttached.`,
        });
      } else if (
        clients.length > 0 &&
        !clients.some((r) => r.includes('*') || thingVariables.some((v) => r.includes(v)))
      ) {
        findings.push({
          id: 'ConnectWithoutThingVariable',
          message: `${where} names fixed client ids: every device with this policy shares them; use \${iot:Connection.Thing.ThingName}.`,
        });
      }
    }
  }
  return findings;
}

/** Renders CloudFormation intrinsics as text (Fn::Join concatenated, Ref as <Name>) so ARNs can be audited. */
export function flattenIntrinsics(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(flattenIntrinsics);
  if (value === null || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  const join = record['Fn::Join'] as [string, unknown[]] | undefined;
  if (join) return join[1].map(flattenIntrinsics).join(join[0]);
  if ('Ref' in record) return `<${String(record['Ref'])}>`;
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, flattenIntrinsics(v)]));
}
