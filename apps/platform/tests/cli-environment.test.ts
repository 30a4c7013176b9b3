// The environment the CLI runs in (bin/node-flags.mjs): libuv's thread pool sized so that the SQL API's
// queries, which DuckDB runs on that pool, cannot hold up the stream's fsyncs and with them every PUBACK.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { cliEnvironment, cliThreadPoolSize } from '../bin/node-flags.mjs';

/** The threads of a node process after it kept 64 file-system calls waiting on its pool at once. */
function threadsUnder(env: NodeJS.ProcessEnv): number {
  const script =
    "const fs = require('node:fs');" +
    "Promise.all(Array.from({ length: 64 }, () => fs.promises.stat('/')))" +
    // Written as text: console.log would colour a number when FORCE_COLOR is set (as nx sets it).
    ".then(() => process.stdout.write(String(fs.readdirSync('/proc/self/task').length)));";
  return Number(execFileSync(process.execPath, ['-e', script], { env, encoding: 'utf8' }).trim());
}

describe('the CLI environment', () => {
  it("gives the CLI's process a thread pool of 16 instead of libuv's 4", () => {
    const { UV_THREADPOOL_SIZE: _, ...withoutSize } = process.env;
    const defaultThreads = threadsUnder(withoutSize);
    expect(cliEnvironment(withoutSize).UV_THREADPOOL_SIZE).toBe(cliThreadPoolSize);
    expect(threadsUnder(cliEnvironment(withoutSize)) - defaultThreads).toBe(Number(cliThreadPoolSize) - 4);
  });

  it('keeps a thread pool size the user set', () => {
    expect(cliEnvironment({ PATH: '/bin', UV_THREADPOOL_SIZE: '8' })).toEqual({
      PATH: '/bin',
      UV_THREADPOOL_SIZE: '8',
    });
  });
});
