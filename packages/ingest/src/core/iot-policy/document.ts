// The shape of an AWS IoT policy document (iot-policies.html): IAM's grammar restricted to what IoT
// policies use. Version 2012-10-17 is required because only it substitutes policy variables
// (reference_policies_elements_version.html); the older grammar would read `${iot:ClientId}` literally.
import { z } from 'zod';

const OneOrMoreStrings = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)], {
  error: (issue) =>
    issue.input === undefined ? 'required' : 'expected a string or a non-empty list of strings',
});
const ConditionScalar = z.union([z.string(), z.number(), z.boolean()]);

export const IotPolicyStatement = z.strictObject(
  {
    Sid: z.string().optional(),
    Effect: z.enum(['Allow', 'Deny']),
    Action: OneOrMoreStrings,
    Resource: OneOrMoreStrings,
    /** `{ operator: { key: value | [values] } }`. */
    Condition: z
      .record(z.string(), z.record(z.string(), z.union([ConditionScalar, z.array(ConditionScalar).min(1)])))
      .optional(),
  },
  {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown element(s) ${issue.keys.join(', ')}: an IoT policy statement holds Sid, Effect, Action, Resource and Condition`
        : undefined,
  },
);
export type IotPolicyStatement = z.infer<typeof IotPolicyStatement>;

export const IotPolicyDocument = z.strictObject({
  Version: z.literal('2012-10-17'),
  Id: z.string().optional(),
  /** One statement or a list; parsed to a list, so issues name the statement (`Statement.1.Effect`). */
  Statement: z.preprocess(
    (statement) => (statement === undefined || Array.isArray(statement) ? statement : [statement]),
    z.array(IotPolicyStatement).min(1),
  ),
});
export type IotPolicyDocument = z.infer<typeof IotPolicyDocument>;

/** IAM statement elements the local evaluator refuses, with what to write instead. */
export const unsupportedStatementElements: Readonly<Record<string, string>> = {
  NotAction: 'list the allowed or denied actions in Action instead',
  NotResource: 'list the resources in Resource instead',
};
