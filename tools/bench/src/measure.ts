// Pure helpers for benchmarks: summaries of samples and the one-line comparison every bench prints —
// the result, its ratio to a baseline measured in the same run, and the target it is held to.

export interface Summary {
  readonly count: number;
  readonly min: number;
  readonly p50: number;
  readonly p95: number;
  readonly max: number;
}

/** The nearest-rank percentile (0 < p ≤ 100) of samples. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) throw new Error('percentile of no samples');
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

export function summarize(samples: readonly number[]): Summary {
  return {
    count: samples.length,
    min: Math.min(...samples),
    p50: percentile(samples, 50),
    p95: percentile(samples, 95),
    max: Math.max(...samples),
  };
}

export interface Comparison {
  readonly label: string;
  /** The measured value, in milliseconds. */
  readonly valueMs: number;
  readonly baselineMs: number;
  /** The most the value may be, in milliseconds. */
  readonly targetMs: number;
}

export const meetsTarget = (comparison: Comparison): boolean => comparison.valueMs <= comparison.targetMs;

export function formatDuration(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`;
}

/** `label  3.40 s  = 3.7× baseline (920 ms)  target ≤ 10.00 s  ok` */
export function formatComparison(comparison: Comparison): string {
  const ratio =
    comparison.baselineMs > 0 ? comparison.valueMs / comparison.baselineMs : Number.POSITIVE_INFINITY;
  return [
    comparison.label.padEnd(44),
    formatDuration(comparison.valueMs).padStart(9),
    `  = ${ratio.toFixed(1)}× baseline (${formatDuration(comparison.baselineMs)})`,
    `  target ≤ ${formatDuration(comparison.targetMs)}`,
    meetsTarget(comparison) ? '  ok' : '  MISSED',
  ].join('');
}
