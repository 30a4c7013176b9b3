// `pnpm bench detect`: the default anomaly detector's throughput on one core (target ≥ 1M points/s,
// i.e. ≤ 1 s per million points), against the baseline of a plain loop keeping a running mean per
// series over the same points: the floor any per-point streaming work pays for the data walk.
import { defaultDetector, ewmaZScoreDetector, type StreamingDetector } from '@tributary/transform';
import { formatComparison, meetsTarget, type Comparison } from './measure.js';

const seriesCount = 20;
const pointsPerSeries = 100_000;
const repeats = 5;
const fiveMinutes = 300_000;

interface Workload {
  readonly values: Float64Array[];
  readonly timestamps: Float64Array[];
  readonly points: number;
}

/** Deterministic series: a daily cycle, noise, a level shift and rare spikes. */
export function detectorWorkload(series = seriesCount, points = pointsPerSeries): Workload {
  let seed = 1;
  const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  const values: Float64Array[] = [];
  const timestamps: Float64Array[] = [];
  for (let s = 0; s < series; s += 1) {
    const v = new Float64Array(points);
    const t = new Float64Array(points);
    for (let i = 0; i < points; i += 1) {
      const level = i > points / 2 ? 30 : 20;
      v[i] = level + 5 * Math.sin((2 * Math.PI * i) / 288) + random() + (random() < 0.0005 ? 25 : 0);
      t[i] = Date.UTC(2024, 0, 1) + i * fiveMinutes;
    }
    values.push(v);
    timestamps.push(t);
  }
  return { values, timestamps, points: series * points };
}

/** Milliseconds to score every point of the workload, one fresh state per series. */
function timeDetector(detector: StreamingDetector<unknown>, workload: Workload): number {
  const started = performance.now();
  let checksum = 0;
  workload.values.forEach((values, s) => {
    const timestamps = workload.timestamps[s]!;
    const state = detector.initialState();
    for (let i = 0; i < values.length; i += 1) checksum += detector.score(state, values[i]!, timestamps[i]!);
  });
  const elapsed = performance.now() - started;
  if (!Number.isFinite(checksum)) throw new Error(`${detector.name} produced a non-finite score`);
  return elapsed;
}

/** The baseline: a running mean per series, kept in a plain object like a detector's state. */
const runningMean: StreamingDetector<{ count: number; mean: number }> = {
  name: 'running mean',
  initialState: () => ({ count: 0, mean: 0 }),
  score(state, value) {
    state.count += 1;
    state.mean += (value - state.mean) / state.count;
    return 0;
  },
};

const bestOf = (run: () => number): number => Math.min(...Array.from({ length: repeats }, run));

export async function detect(): Promise<boolean> {
  const workload = detectorWorkload();
  const perMillion = (ms: number) => (ms * 1e6) / workload.points;
  const baselineMs = perMillion(bestOf(() => timeDetector(runningMean, workload)));
  const comparisons: Comparison[] = [defaultDetector, ewmaZScoreDetector].map((detector) => ({
    label: `${detector.name}: 1M points`,
    valueMs: perMillion(bestOf(() => timeDetector(detector, workload))),
    baselineMs,
    targetMs: 1000,
  }));
  console.log(
    `${workload.points.toLocaleString('en')} points in ${seriesCount} series, best of ${repeats}; baseline: ${runningMean.name}`,
  );
  for (const comparison of comparisons) {
    const pointsPerSecond = (1e6 * 1000) / comparison.valueMs;
    console.log(`${formatComparison(comparison)}   (${(pointsPerSecond / 1e6).toFixed(2)} M points/s)`);
  }
  // The baseline detector is shown for comparison; the target holds for the default only.
  return meetsTarget(comparisons[0]!);
}
