// The LakeFileGate: reads share it, a swap has it alone, and neither side can be starved by the other.
import { describe, expect, it } from 'vitest';
import { LakeFileGate } from '../src/local/index.js';

/** A promise and the function that settles it, to hold a read or a swap open. */
function held(): { release: () => void; released: Promise<void> } {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  return { release, released };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('LakeFileGate', () => {
  it('runs reads together, and a swap only once the reads in progress have finished', async () => {
    const gate = new LakeFileGate();
    const events: string[] = [];
    const first = held();
    const second = held();
    const readA = gate.shared(
      async () => (events.push('read A in'), await first.released, events.push('read A out')),
    );
    const readB = gate.shared(
      async () => (events.push('read B in'), await second.released, events.push('read B out')),
    );
    const swap = gate.exclusive(async () => events.push('swap'));
    await tick();
    expect(events).toEqual(['read A in', 'read B in']);
    first.release();
    await readA;
    await tick();
    expect(events).not.toContain('swap');
    second.release();
    await Promise.all([readB, swap]);
    expect(events).toEqual(['read A in', 'read B in', 'read A out', 'read B out', 'swap']);
  });

  it('holds back reads that arrive while a swap waits, then lets them in before the next swap', async () => {
    const gate = new LakeFileGate();
    const events: string[] = [];
    const reading = held();
    const swapping = held();
    const earlyRead = gate.shared(async () => (await reading.released, events.push('early read')));
    const firstSwap = gate.exclusive(async () => (await swapping.released, events.push('swap 1')));
    const lateRead = gate.shared(async () => events.push('late read'));
    const secondSwap = gate.exclusive(async () => events.push('swap 2'));
    await tick();
    expect(events).toEqual([]);
    reading.release();
    await earlyRead;
    swapping.release();
    await Promise.all([firstSwap, lateRead, secondSwap]);
    expect(events).toEqual(['early read', 'swap 1', 'late read', 'swap 2']);
  });

  it('releases the gate when the work throws', async () => {
    const gate = new LakeFileGate();
    await expect(gate.exclusive(() => Promise.reject(new Error('swap failed')))).rejects.toThrow(
      'swap failed',
    );
    await expect(gate.shared(() => Promise.reject(new Error('read failed')))).rejects.toThrow('read failed');
    await expect(gate.exclusive(async () => 'swapped')).resolves.toBe('swapped');
    await expect(gate.shared(async () => 'read')).resolves.toBe('read');
  });
});
