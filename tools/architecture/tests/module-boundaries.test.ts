// The architecture is executable: lint refuses an import against the stage order, and runtime code
// that imports the CDK. These tests lint deliberately wrong code and expect the failure.
import { ESLint } from 'eslint';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { workspaceRoot } from './workspace-root.js';

const eslint = new ESLint({ cwd: workspaceRoot });

async function ruleIdsFor(code: string, file: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(workspaceRoot, file) });
  return (result?.messages ?? []).map((m) => m.ruleId ?? m.message);
}

describe('stage order at import time', () => {
  it('refuses an upstream stage importing a downstream one (ingest → store)', async () => {
    const ids = await ruleIdsFor(
      "import { LakeWriter } from '@tributary/store/local';\nexport const writer = LakeWriter;\n",
      'packages/ingest/src/local/forbidden-import.ts',
    );
    expect(ids).toContain('@nx/enforce-module-boundaries');
  });

  it('refuses a stage importing cross-cutting, which comes after every stage', async () => {
    const ids = await ruleIdsFor(
      "import * as crossCutting from '@tributary/cross-cutting';\nexport const x = crossCutting;\n",
      'packages/insights/src/core/forbidden-import.ts',
    );
    expect(ids).toContain('@nx/enforce-module-boundaries');
  });

  it('refuses contracts importing any stage', async () => {
    const ids = await ruleIdsFor(
      "import * as ingest from '@tributary/ingest';\nexport const x = ingest;\n",
      'packages/contracts/src/forbidden-import.ts',
    );
    expect(ids).toContain('@nx/enforce-module-boundaries');
  });

  it('allows a stage to import contracts and an upstream stage (transform → ingest)', async () => {
    const ids = await ruleIdsFor(
      "import { topics } from '@tributary/contracts';\nimport { topicMatches } from '@tributary/ingest';\n" +
        'export const matches = topicMatches(topics.telemetryFilter, topics.telemetry("a"));\n',
      'packages/transform/src/core/allowed-import.ts',
    );
    expect(ids).not.toContain('@nx/enforce-module-boundaries');
  });
});

describe('aws-cdk-lib stays out of runtime code', () => {
  it('refuses aws-cdk-lib in a stage core', async () => {
    const ids = await ruleIdsFor(
      "import { Stack } from 'aws-cdk-lib';\nexport const stack = Stack;\n",
      'packages/transform/src/core/forbidden-cdk.ts',
    );
    expect(ids).toContain('no-restricted-imports');
  });

  it('refuses aws-cdk-lib submodules in a Lambda handler and in contracts runtime code', async () => {
    const lambda = await ruleIdsFor(
      "import * as kinesis from 'aws-cdk-lib/aws-kinesis';\nexport const k = kinesis;\n",
      'packages/transform/src/lambda/forbidden-cdk.ts',
    );
    const contracts = await ruleIdsFor(
      "import { Stack } from 'aws-cdk-lib';\nexport const stack = Stack;\n",
      'packages/contracts/src/forbidden-cdk.ts',
    );
    expect(lambda).toContain('no-restricted-imports');
    expect(contracts).toContain('no-restricted-imports');
  });

  it('allows aws-cdk-lib in a stage infra/ folder', async () => {
    const ids = await ruleIdsFor(
      "import { Stack } from 'aws-cdk-lib';\nexport const stack = Stack;\n",
      'packages/store/src/infra/allowed-cdk.ts',
    );
    expect(ids).not.toContain('no-restricted-imports');
  });
});
