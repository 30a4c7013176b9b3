// The dashboard's waiting room for widget queries.
import { describe, expect, it } from 'vitest';
import { QuerySlots } from '../src/local/query-slots.js';

describe('QuerySlots', () => {
  it('runs at most its number of queries at once, the others in arrival order, failures included', async () => {
    const slots = new QuerySlots(2);
    let running = 0;
    let mostAtOnce = 0;
    const started: number[] = [];
    const query = (id: number) => async () => {
      started.push(id);
      running += 1;
      mostAtOnce = Math.max(mostAtOnce, running);
      await new Promise((resolve) => setTimeout(resolve, 5));
      running -= 1;
      if (id === 1) throw new Error('query 1 failed');
      return id;
    };
    const results = await Promise.allSettled([1, 2, 3, 4, 5].map((id) => slots.run(query(id))));
    expect(mostAtOnce).toBe(2);
    expect(started).toEqual([1, 2, 3, 4, 5]);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : r.reason.message))).toEqual([
      'query 1 failed',
      2,
      3,
      4,
      5,
    ]);
    // Every slot is free again.
    expect(await Promise.all([slots.run(query(6)), slots.run(query(7))])).toEqual([6, 7]);
  });
});
