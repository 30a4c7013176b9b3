// Errors a policy document raises when it is parsed. The local platform never evaluates a policy it
// cannot evaluate exactly as AWS IoT Core does (DESIGN §5): it refuses it and says what to change.

/** The document is not a valid AWS IoT policy: AWS would reject it too (or it could never match). */
export class InvalidIotPolicyError extends Error {
  readonly code = 'INVALID_IOT_POLICY';
  constructor(
    readonly policyName: string,
    readonly problem: string,
  ) {
    super(`IoT policy "${policyName}" is invalid: ${problem}`);
  }
}

/** The document is valid on AWS but uses something the local evaluator does not model. */
export class UnsupportedPolicyFeatureError extends Error {
  readonly code = 'UNSUPPORTED_IOT_POLICY_FEATURE';
  constructor(
    readonly policyName: string,
    readonly problem: string,
  ) {
    super(
      `IoT policy "${policyName}" uses a feature the local platform does not evaluate: ${problem} ` +
        `(refused rather than evaluated differently from AWS IoT Core)`,
    );
  }
}

/**
 * A problem found below the document level, before the policy name and location are known; parsing
 * turns it into one of the public errors above.
 */
export class PolicyProblem extends Error {
  constructor(
    message: string,
    readonly kind: 'invalid' | 'unsupported',
  ) {
    super(message);
  }
}
