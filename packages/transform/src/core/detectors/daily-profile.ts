// The series' daily profile: an exponentially weighted mean and variance per time-of-day slot (UTC), so
// a value normal at noon but not at midnight, or a daily peak that fails to come, stands out. Most
// machine and business metrics follow a daily cycle.
import { deviationThenLearn, emptyEwmStats, type EwmStats } from './ewm-deviation.js';

export interface DailyProfileSettings {
  /** Time-of-day slots per day. */
  readonly daySlots: number;
  /** Weight of the newest value in its slot's mean and variance. */
  readonly dailyWeight: number;
}

const dayMs = 86_400_000;

export function emptyDailyProfile({ daySlots }: DailyProfileSettings): EwmStats[] {
  return Array.from({ length: daySlots }, () => emptyEwmStats());
}

/**
 * Standard deviations between `value` and its time-of-day slot's history; then learns it, unclipped: a
 * slot sees few values a day, and clipping them delays learning a daily pattern that has changed.
 */
export function dailyDeviationThenLearn(
  profile: EwmStats[],
  value: number,
  timestamp: number,
  settings: DailyProfileSettings,
): number {
  const timeOfDay = Number.isFinite(timestamp) ? ((timestamp % dayMs) + dayMs) % dayMs : 0;
  const slot = profile[Math.floor((timeOfDay * profile.length) / dayMs)]!;
  return deviationThenLearn(slot, value, settings.dailyWeight);
}
