// IoT policy actions (iot-policy-actions.html). Action names match case-insensitively and may use the
// wildcards `*` and `?`, as in IAM (reference_policies_elements_action.html).
import { PolicyProblem } from './errors.js';

/** The actions the local platform asks about. */
export const iotActions = [
  'iot:Connect',
  'iot:Publish',
  'iot:Subscribe',
  'iot:Receive',
  'iot:RetainPublish',
  'iot:GetThingShadow',
  'iot:UpdateThingShadow',
  'iot:DeleteThingShadow',
  'iot:ListNamedShadowsForThing',
] as const;
export type IotAction = (typeof iotActions)[number];

/** Every data-plane action an IoT policy may name; naming one of these is valid even if nothing asks for it. */
const documentedActions = new Set(
  [
    ...iotActions,
    'iot:GetRetainedMessage',
    'iot:ListRetainedMessages',
    'iot:DescribeJobExecution',
    'iot:GetPendingJobExecutions',
    'iot:StartNextPendingJobExecution',
    'iot:UpdateJobExecution',
    'iot:AssumeRoleWithCertificate',
  ].map((a) => a.toLowerCase()),
);

/** A policy's Action entry as a matcher; throws a PolicyProblem for a name AWS IoT does not define. */
export function compileActionPattern(action: string): RegExp {
  if (action !== '*' && !/^iot:[A-Za-z*?]+$/i.test(action)) {
    throw new PolicyProblem(
      `action "${action}" is not an AWS IoT action: write "iot:<Action>", "iot:*" or "*"`,
      'invalid',
    );
  }
  if (!/[*?]/.test(action) && !documentedActions.has(action.toLowerCase())) {
    throw new PolicyProblem(
      `"${action}" is not an AWS IoT policy action; known: ${[...iotActions].join(', ')} and the jobs/retained-message actions`,
      'invalid',
    );
  }
  const source = action.replace(/[*?]/g, (w) => (w === '*' ? '.*' : '.'));
  return new RegExp(`^${source}$`, 'i');
}
