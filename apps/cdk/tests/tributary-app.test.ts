// The platform's CDK app: one stack per box of the architecture, deployed in the data path's order.
import type { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { createTributaryApp } from '@tributary/contracts/cdk';
import { describe, expect, it } from 'vitest';
import { defineTributary } from '../src/define-tributary.js';

/** The catalogue's SSM parameters a stack creates, or reads through CloudFormation parameters. */
function ssmParametersOf(stack: Stack, direction: 'published' | 'read'): string[] {
  const template = Template.fromStack(stack);
  if (direction === 'published') {
    return Object.values(template.findResources('AWS::SSM::Parameter')).map(
      (resource) => (resource as { Properties: { Name: string } }).Properties.Name,
    );
  }
  return Object.values(
    (template.toJSON()['Parameters'] ?? {}) as Record<string, { Type: string; Default: string }>,
  )
    .filter((parameter) => parameter.Type.startsWith('AWS::SSM::Parameter::Value'))
    .map((parameter) => parameter.Default)
    .filter((name) => name.startsWith('/tributary/')); // not CDK's own /cdk-bootstrap/ version check
}

/** Every stack `stack` depends on, directly or not. */
function upstreamOf(stack: Stack, seen = new Set<Stack>()): Set<Stack> {
  for (const dependency of stack.dependencies) {
    if (!seen.has(dependency)) upstreamOf(dependency, seen.add(dependency));
  }
  return seen;
}

const app = createTributaryApp();
const stages = defineTributary(app);

describe('the tributary CDK app', () => {
  it('has the eleven stacks of the architecture, stage by stage', () => {
    expect(stages.map((stacks) => stacks.map((s) => s.stackName).sort())).toEqual([
      ['DeviceRegistryStack', 'IoTCoreStack'],
      ['AnomalyDetectionStack', 'EnrichmentStack', 'StreamingStack'],
      ['DataLakeStack'],
      ['AnalyticsStack', 'DashboardStack'],
      ['CostMonitoringStack', 'LoggingStack', 'SecurityStack'],
    ]);
  });

  it('deploys every stage after the one upstream of it, and never before', () => {
    const stageOf = new Map(
      stages.flatMap((stacks, index) => stacks.map((s) => [s.stackName, index] as const)),
    );
    for (const [index, stacks] of stages.entries()) {
      for (const stack of stacks) {
        const dependsOn = stack.dependencies.map((d) => stageOf.get(d.stackName)!);
        expect(dependsOn.every((stage) => stage <= index)).toBe(true);
        if (index > 0) expect(dependsOn).toContain(index - 1);
      }
    }
  });

  it('deploys every SSM parameter a stack reads before that stack, from the stage that owns it', () => {
    const allStacks = stages.flat();
    const published = new Map<string, Stack>();
    for (const stack of allStacks) {
      for (const name of ssmParametersOf(stack, 'published')) published.set(name, stack);
    }
    for (const stack of allStacks) {
      const deployedBefore = upstreamOf(stack);
      for (const name of ssmParametersOf(stack, 'read')) {
        const publisher = published.get(name);
        expect(publisher, `${stack.stackName} reads ${name}, which no stack publishes`).toBeDefined();
        expect(
          deployedBefore.has(publisher!),
          `${stack.stackName} reads ${name} but does not deploy after ${publisher!.stackName}`,
        ).toBe(true);
      }
    }
  });

  it('synthesizes with no unacknowledged AwsSolutions finding', () => {
    expect(() => app.synth()).not.toThrow();
    expect(app.synth().stacks).toHaveLength(11);
  });
});
