// `tributary cost` as a user runs it: the real CLI process, its table and its refusals.
import { describe, expect, it } from 'vitest';
import { runCli } from './platform-process.js';

describe('tributary cost', () => {
  it('prints the monthly bill line by line and what batching and Basic Ingest save', async () => {
    const { stdout } = await runCli(['cost', '--devices', '1000', '--interval', '10', '--payload', '200']);
    expect(stdout).toMatch(/IoT Core messaging\s+\$259\.20\s+259\.2M messages/);
    expect(stdout).toMatch(/total per month\s+\$[\d,]+\.\d\d/);
    expect(stdout).toMatch(/Basic Ingest\s+\$[\d,.]+\s+\(saves \$259\.20\)/);
    expect(stdout).toMatch(/batch 10 readings per message/);
  });

  it('refuses a scenario it cannot price, saying which option is wrong', async () => {
    await expect(
      runCli(['cost', '--devices', '1000', '--interval', '0', '--payload', '200']),
    ).rejects.toMatchObject({
      stderr: expect.stringContaining('--interval needs a positive number'),
    });
  });
});
