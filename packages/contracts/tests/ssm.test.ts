import { describe, expect, expectTypeOf, it } from 'vitest';
import { allParameters, parameters, type ParameterReadableBy } from '../src/index.js';

describe('SSM parameter catalogue', () => {
  it('names every parameter after the stage that publishes it, once', () => {
    const names = allParameters().map((p) => p.name);
    expect(new Set(names).size).toBe(names.length);
    for (const p of allParameters()) expect(p.name.startsWith(`/tributary/${p.stage}/`)).toBe(true);
  });

  it('lets a stage read upstream parameters and not downstream ones (a type error)', () => {
    expectTypeOf(parameters.ingest.telemetryTopicFilter).toExtend<ParameterReadableBy<'transform'>>();
    expectTypeOf(parameters.store.lakeBucketName).toExtend<ParameterReadableBy<'insights'>>();
    expectTypeOf(parameters.store.lakeBucketName).not.toExtend<ParameterReadableBy<'transform'>>();
    expectTypeOf(parameters.insights.dashboardName).not.toExtend<ParameterReadableBy<'ingest'>>();
  });
});
