// A signal sampled at a fixed interval, and the sample statistics the tests compare with a spec.
import { signalOf, type SignalPoint, type SignalSpecInput } from '../../src/core/simulation/index.js';

export const minuteMs = 60_000;
export const hourMs = 3_600_000;
/** 2026-01-01T00:00:00Z: a UTC midnight, so hours of day are easy to read. */
export const midnight = Date.UTC(2026, 0, 1);

export function seriesOf(
  spec: SignalSpecInput,
  seed: number,
  count: number,
  intervalMs = minuteMs,
): SignalPoint[] {
  const signal = signalOf(spec, seed);
  return Array.from({ length: count }, (_, i) => signal.next(midnight + i * intervalMs));
}

export const meanOf = (values: readonly number[]): number =>
  values.reduce((sum, value) => sum + value, 0) / values.length;

export function sdOf(values: readonly number[]): number {
  const mean = meanOf(values);
  return Math.sqrt(values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (values.length - 1));
}
