import { describe, expect, it } from 'vitest';
import { cpuSecondsOf } from '../src/e2e/cpu-time.js';

describe('cpuSecondsOf', () => {
  it('reads the CPU a process used, as the process itself counts it', () => {
    const before = cpuSecondsOf(process.pid);
    const usageBefore = process.cpuUsage();
    const spinUntil = performance.now() + 400;
    let spins = 0;
    while (performance.now() < spinUntil) spins++;
    const used = cpuSecondsOf(process.pid) - before;
    const counted = process.cpuUsage(usageBefore);
    expect(spins).toBeGreaterThan(0);
    // procfs counts in 10 ms ticks; other threads of this process may add a little.
    expect(used).toBeGreaterThan((counted.user + counted.system) / 1e6 - 0.05);
    expect(used).toBeLessThan((counted.user + counted.system) / 1e6 + 0.15);
    expect(used).toBeGreaterThan(0.2);
  });

  it('says what it needs when the process is not there', () => {
    expect(() => cpuSecondsOf(2 ** 31 - 1)).toThrow(/Linux procfs/);
  });
});
