import { describe, expect, it } from 'vitest';
import { alarmPolicy, nextAlarmTransition, type AlarmState } from '../src/core/index.js';

const transitionsOf = (scores: readonly (number | null)[]) => {
  const alarm: AlarmState = { raised: false };
  return scores.flatMap((score, i) => {
    const transition = nextAlarmTransition(alarm, score);
    return transition ? [{ at: i, ...transition }] : [];
  });
};

describe('alarm hysteresis', () => {
  it('raises once for a score hovering around the raise threshold', () => {
    const hovering = Array.from({ length: 40 }, (_, i) => (i % 2 ? 0.55 : 0.45));
    expect(transitionsOf(hovering)).toEqual([{ at: 1, state: 'raised', severity: 'warning' }]);
  });

  it('clears only after a run of quiet points, and a loud point restarts the run', () => {
    const quiet = Array<number>(alarmPolicy.quietPointsToClear - 1).fill(0.1);
    const scores = [0.95, ...quiet, 0.4, ...quiet, 0.1, 0.1];
    expect(transitionsOf(scores)).toEqual([
      { at: 0, state: 'raised', severity: 'critical' },
      { at: 2 * alarmPolicy.quietPointsToClear, state: 'cleared', severity: 'critical' },
    ]);
  });

  it('ignores points scored while the series is still learning', () => {
    expect(transitionsOf([null, null, 0.2])).toEqual([]);
  });
});
