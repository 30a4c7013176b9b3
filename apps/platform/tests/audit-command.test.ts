// `tributary audit` as CI runs it: exit 1 and the findings on a bad template, 2 with nothing to audit.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './platform-process.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tributary-audit-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('tributary audit', () => {
  it('fails on a deliberately bad policy, naming the check and the resource', async () => {
    const template = {
      Resources: {
        DevicePolicy: {
          Type: 'AWS::IoT::Policy',
          Properties: {
            PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'iot:*', Resource: '*' }] },
          },
        },
      },
    };
    await writeFile(join(dir, 'Bad.template.json'), JSON.stringify(template));
    await expect(runCli(['audit', '--templates', dir])).rejects.toMatchObject({
      code: 1,
      stdout: expect.stringMatching(/IoTPolicyWildcardAction\s+.*Bad DevicePolicy/),
    });
  });

  it('says how to produce templates when there are none', async () => {
    await expect(runCli(['audit', '--templates', join(dir, 'missing')])).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('synthesize first'),
    });
  });
});
