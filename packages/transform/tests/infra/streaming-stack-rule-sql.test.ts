// The deployed telemetry rule must be SQL the local rules engine runs: synth fails, naming the problem
// and its position, when it is not.
import { createTributaryApp } from '@tributary/contracts/cdk';
import { afterEach, describe, expect, it, vi } from 'vitest';

const ruleSql = vi.hoisted(() => ({ override: undefined as ((filter: string) => string) | undefined }));

vi.mock('@tributary/contracts', async (importOriginal) => {
  const contracts = await importOriginal<typeof import('@tributary/contracts')>();
  return {
    ...contracts,
    telemetryRuleSql: (filter: string) => (ruleSql.override ?? contracts.telemetryRuleSql)(filter),
  };
});

const { StreamingStack } = await import('../../src/infra/streaming-stack.js');

afterEach(() => {
  ruleSql.override = undefined;
});

describe('StreamingStack telemetry rule SQL check', () => {
  it('synthesizes the contract SQL, whose FROM filter is an SSM token at synth time', () => {
    const app = createTributaryApp();
    expect(() => new StreamingStack(app, 'Streaming')).not.toThrow();
  });

  it('fails synth on a function the local rules engine does not run, with its position', () => {
    ruleSql.override = (filter) => `SELECT aws_lambda('arn', *) AS x FROM '${filter}'`;
    const app = createTributaryApp();
    expect(() => new StreamingStack(app, 'Streaming')).toThrow(
      expect.objectContaining({ code: 'UNSUPPORTED_RULE_SQL', position: { offset: 7 } }),
    );
  });

  it('fails synth on SQL that is not IoT SQL at all', () => {
    ruleSql.override = (filter) => `SELECT payload FROM '${filter}' WHERE`;
    const app = createTributaryApp();
    expect(() => new StreamingStack(app, 'Streaming')).toThrow(/Invalid IoT SQL at position/);
  });
});
