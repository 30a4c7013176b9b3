// The CDK app every stage and apps/cdk synthesize: cdk-nag's AwsSolutions pack and our IoT policy pack run
// on every synth, and every acknowledged finding carries the reason it is acceptable.
import { App, Token, Validations, type AppProps, type Environment, type Stack } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { IotPolicyChecks } from './iot-policy-checks.js';

export function createTributaryApp(props: AppProps = {}): App {
  const app = new App({
    ...props,
    // Cross-stack references within a stage keep protecting their producer (CDK's current default).
    context: { '@aws-cdk/core:defaultCrossStackReferences': 'strong', ...props.context },
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new IotPolicyChecks(app));
  return app;
}

/** The account and region the CDK CLI resolved (CDK_DEFAULT_*), or environment-agnostic stacks. */
export function defaultEnvironment(): Environment {
  return { account: process.env['CDK_DEFAULT_ACCOUNT'], region: process.env['CDK_DEFAULT_REGION'] };
}

export interface Acknowledgement {
  /** The cdk-nag finding, e.g. `AwsSolutions-IAM5[Resource::*]`. */
  readonly id: string;
  /** Why the finding is acceptable here; reviewed like code. */
  readonly reason: string;
}

/** Acknowledges cdk-nag findings on one construct (and its children), each with its reason. */
export function acknowledge(scope: IConstruct, ...acknowledgements: Acknowledgement[]): void {
  for (const acknowledgement of acknowledgements) Validations.of(scope).acknowledge(acknowledgement);
}

/**
 * An ARN as cdk-nag prints it in a finding id — pseudo parameters CDK has not resolved appear as
 * `<AWS::Region>`, `<AWS::AccountId>` — so an acknowledgement matches with or without an environment.
 */
export function nagArnOf(stack: Stack, service: string, resource: string): string {
  const region = Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region;
  const account = Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account;
  return `arn:<AWS::Partition>:${service}:${region}:${account}:${resource}`;
}

/** Why KMS actions with wildcards are fine where CDK's grant methods add them for one key. */
export const kmsGrantWildcards: Acknowledgement[] = ['kms:ReEncrypt*', 'kms:GenerateDataKey*'].map(
  (action) => ({
    id: `AwsSolutions-IAM5[Action::${action}]`,
    reason: `${action} is what CDK's grant methods add for encrypted resources, scoped to that one customer-managed key.`,
  }),
);
