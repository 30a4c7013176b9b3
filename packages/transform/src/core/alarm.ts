// Turns a stream of anomaly scores into alarm transitions with hysteresis: an alarm is raised when a
// score crosses the raise threshold and cleared only after a run of quiet points, so a score that
// hovers around the threshold raises one alarm, not one per point.

export type AlarmSeverity = 'warning' | 'critical';

export interface AlarmState {
  raised: boolean;
  /** Severity of the raised alarm (kept for its `cleared` event). */
  severity?: AlarmSeverity;
  /** Consecutive points below the clear threshold since the alarm was raised. */
  quietPoints?: number;
}

export const alarmPolicy = {
  /** A score at or above this raises an alarm on a quiet series (the default detector's detection score)... */
  raise: 0.5,
  /** ...a critical one at or above this (a 1-in-10^9 surprise, or a value far outside everything seen). */
  critical: 0.9,
  /** A raised alarm clears once this many consecutive points score below `clear`. */
  clear: 0.3,
  quietPointsToClear: 10,
};

export interface AlarmTransition {
  readonly state: 'raised' | 'cleared';
  readonly severity: AlarmSeverity;
}

/** The transition `score` causes, if any, updating `alarm`. A null score (still learning) changes nothing. */
export function nextAlarmTransition(alarm: AlarmState, score: number | null): AlarmTransition | undefined {
  if (score === null) return undefined;
  if (!alarm.raised) {
    if (score < alarmPolicy.raise) return undefined;
    alarm.raised = true;
    alarm.severity = score >= alarmPolicy.critical ? 'critical' : 'warning';
    alarm.quietPoints = 0;
    return { state: 'raised', severity: alarm.severity };
  }
  alarm.quietPoints = score < alarmPolicy.clear ? (alarm.quietPoints ?? 0) + 1 : 0;
  if (alarm.quietPoints < alarmPolicy.quietPointsToClear) return undefined;
  const severity = alarm.severity ?? 'warning';
  alarm.raised = false;
  delete alarm.severity;
  alarm.quietPoints = 0;
  return { state: 'cleared', severity };
}
