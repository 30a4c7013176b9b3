// Turns a stream of anomaly scores into alarm transitions with hysteresis, so a score that hovers
// around the threshold raises one alarm, not one per point.

export interface AlarmState {
  raised: boolean;
}

export const alarmThresholds = {
  /** Score at or above which a quiet series raises an alarm (3 sigmas with the z-score detector). */
  raise: 0.5,
  /** Score below which a raised alarm clears. */
  clear: 0.3,
};

export type AlarmTransition = 'raised' | 'cleared' | undefined;

export function nextAlarmTransition(state: AlarmState, score: number | null): AlarmTransition {
  if (score === null) return undefined;
  if (!state.raised && score >= alarmThresholds.raise) {
    state.raised = true;
    return 'raised';
  }
  if (state.raised && score < alarmThresholds.clear) {
    state.raised = false;
    return 'cleared';
  }
  return undefined;
}
