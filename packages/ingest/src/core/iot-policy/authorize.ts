// The decision AWS IoT Core makes for one request against every policy attached to the principal
// (iot-policies.html; IAM's reference_policies_evaluation-logic.html): denied by default, allowed when a
// statement allows it, and denied whenever any statement denies it — in whatever order they appear.
//
// Unresolved policy variables: a Resource entry or condition value holding one matches nothing. In an
// Allow that denies access, as thing-policy-variables.html documents. In a Deny it means the Deny does
// not apply — IAM's rule for variables with no value, followed here rather than made stricter. To deny
// unattached certificates outright, deny on Bool iot:Connection.Thing.IsAttached "false".
import type { CompiledIotPolicy, CompiledStatement } from './parse.js';
import type { AuthorizationRequest } from './resources.js';
import type { IotAuthorizationContext } from './context.js';
import { conditionHolds } from './conditions.js';
import { resolveTemplate } from './template.js';
import { arnMatches } from './matching.js';

export interface AuthorizationDecision {
  readonly allowed: boolean;
  /** Why, naming the deciding policy and statement, for logs and for the user reading them. */
  readonly reason: string;
  /** The statement that decided; absent for the implicit (default) deny. */
  readonly deciding?: { readonly policyName: string; readonly statementIndex: number };
}

export function authorize(
  policies: readonly CompiledIotPolicy[],
  request: AuthorizationRequest,
  context: IotAuthorizationContext,
): AuthorizationDecision {
  const applying = policies.flatMap((policy) =>
    policy.statements
      .filter((statement) => statementApplies(statement, request, context))
      .map((statement) => ({ policy, statement })),
  );
  const decidedBy = applying.find((a) => a.statement.effect === 'Deny') ?? applying[0];
  if (!decidedBy) {
    const names = policies.map((p) => `"${p.name}"`).join(', ') || 'none attached';
    return {
      allowed: false,
      reason: `${request.action} on ${request.resource} for client "${context.clientId}": no statement allows it (policies: ${names})`,
    };
  }
  const { policy, statement } = decidedBy;
  const sid = statement.sid === undefined ? '' : ` (Sid "${statement.sid}")`;
  const verb = statement.effect === 'Deny' ? 'denied explicitly' : 'allowed';
  return {
    allowed: statement.effect === 'Allow',
    reason: `${request.action} on ${request.resource} for client "${context.clientId}": ${verb} by policy "${policy.name}" Statement[${statement.index}]${sid}`,
    deciding: { policyName: policy.name, statementIndex: statement.index },
  };
}

function statementApplies(
  statement: CompiledStatement,
  request: AuthorizationRequest,
  context: IotAuthorizationContext,
): boolean {
  return (
    statement.actions.some((action) => action.test(request.action)) &&
    statement.resources.some((resource) => {
      const pattern = resolveTemplate(resource, context);
      return pattern !== undefined && arnMatches(pattern, request.resource);
    }) &&
    statement.conditions.every((condition) => conditionHolds(condition, context))
  );
}
