// The crash test's knobs, from the environment: the defaults fit a CI run of about three minutes on two
// cores; `pnpm test:chaos` raises them. A seed repeats a run's kill schedule (not the machine's timing).
import { z } from 'zod';

const count = (least: number, fallback: number) => z.coerce.number().int().min(least).default(fallback);

const ChaosSettings = z.object({
  /** SIGKILLs at least this many. */
  CHAOS_KILLS: count(1, 10),
  /** …and keeps killing until the load has run this long. */
  CHAOS_SECONDS: count(0, 0),
  CHAOS_SEED: count(0, Math.floor(Math.random() * 2 ** 31)),
  /** Simulated devices, one MQTT connection each. */
  CHAOS_DEVICES: count(1, 6),
  /** Per device; AWS IoT Core's quota is 100 publishes per connection per second. */
  CHAOS_RATE: z.coerce.number().int().min(1).max(100).default(40),
});

export interface ChaosSettings {
  readonly kills: number;
  readonly minimumSeconds: number;
  readonly seed: number;
  readonly devices: number;
  readonly messagesPerSecondPerDevice: number;
}

export function chaosSettingsFrom(env: NodeJS.ProcessEnv): ChaosSettings {
  const parsed = ChaosSettings.safeParse(env);
  if (!parsed.success) throw new Error(`Invalid crash test setting: ${z.prettifyError(parsed.error)}`);
  const { CHAOS_KILLS, CHAOS_SECONDS, CHAOS_SEED, CHAOS_DEVICES, CHAOS_RATE } = parsed.data;
  return {
    kills: CHAOS_KILLS,
    minimumSeconds: CHAOS_SECONDS,
    seed: CHAOS_SEED,
    devices: CHAOS_DEVICES,
    messagesPerSecondPerDevice: CHAOS_RATE,
  };
}

/** Generous: each kill costs a start-up (~5 s here) and up to ~6 s of load; then the drain. */
export const testTimeoutMsFor = (settings: ChaosSettings): number =>
  (settings.kills * 25 + settings.minimumSeconds * 1.5 + 180) * 1000;
