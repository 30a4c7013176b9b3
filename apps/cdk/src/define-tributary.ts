// Every stage's stacks in one CDK app, in the order of the data path. Stages share nothing but SSM
// parameters, so each stage's stacks also depend on the previous stage's: `cdk deploy --all` here
// deploys in the order `nx deploy` follows stage by stage.
import type { Environment, Stack } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { defineCrossCuttingStage } from '@tributary/cross-cutting/infra';
import { defineIngestStage } from '@tributary/ingest/infra';
import { defineInsightsStage } from '@tributary/insights/infra';
import { defineStoreStage } from '@tributary/store/infra';
import { defineTransformStage } from '@tributary/transform/infra';

export type StacksByStage = readonly (readonly Stack[])[];

export function defineTributary(scope: Construct, env?: Environment): StacksByStage {
  const props = { env };
  const stages: StacksByStage = [
    Object.values(defineIngestStage(scope, props)),
    Object.values(defineTransformStage(scope, props)),
    Object.values(defineStoreStage(scope, props)),
    Object.values(defineInsightsStage(scope, props)),
    Object.values(defineCrossCuttingStage(scope, props)),
  ];
  stages.forEach((stacks, index) => {
    for (const stack of stacks)
      for (const upstream of stages[index - 1] ?? []) stack.addStackDependency(upstream);
  });
  return stages;
}
