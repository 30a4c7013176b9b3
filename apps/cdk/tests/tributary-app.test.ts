// The platform's CDK app: one stack per box of the architecture, deployed in the data path's order.
import { createTributaryApp } from '@tributary/contracts/cdk';
import { describe, expect, it } from 'vitest';
import { defineTributary } from '../src/define-tributary.js';

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

  it('synthesizes with no unacknowledged AwsSolutions finding', () => {
    expect(() => app.synth()).not.toThrow();
    expect(app.synth().stacks).toHaveLength(11);
  });
});
