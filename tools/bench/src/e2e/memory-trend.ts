// Whether a process's memory stays bounded under steady load: its resident set sampled over a run, the
// second half compared with the first. A process that holds a steady working set repeats the same
// garbage-collection sawtooth in both halves; one that leaks climbs from one half to the next.

export interface MemorySample {
  /** Since the run started. */
  readonly atMs: number;
  readonly rssBytes: number;
}

export interface MemoryTrend {
  readonly firstHalfMeanBytes: number;
  readonly secondHalfMeanBytes: number;
  /** The second half's mean over the first's, less one: 0.05 is 5 % more. */
  readonly growth: number;
  /** Least-squares slope over the second half, per minute: a leak keeps climbing there. */
  readonly secondHalfSlopeBytesPerMinute: number;
  /** Growth within `maxGrowth`. */
  readonly flat: boolean;
}

/** Growth from the first half of a run to the second that still counts as flat. */
export const maxFlatGrowth = 0.1;

export function memoryTrendOf(samples: readonly MemorySample[], maxGrowth = maxFlatGrowth): MemoryTrend {
  if (samples.length < 4) throw new Error(`a memory trend needs at least 4 samples, not ${samples.length}`);
  const middle = (samples[0]!.atMs + samples[samples.length - 1]!.atMs) / 2;
  const firstHalf = samples.filter((s) => s.atMs < middle);
  const secondHalf = samples.filter((s) => s.atMs >= middle);
  const firstHalfMeanBytes = meanRss(firstHalf);
  const secondHalfMeanBytes = meanRss(secondHalf);
  const growth = secondHalfMeanBytes / firstHalfMeanBytes - 1;
  return {
    firstHalfMeanBytes,
    secondHalfMeanBytes,
    growth,
    secondHalfSlopeBytesPerMinute: slopePerMs(secondHalf) * 60_000,
    flat: growth <= maxGrowth,
  };
}

const meanRss = (samples: readonly MemorySample[]): number =>
  samples.reduce((sum, s) => sum + s.rssBytes, 0) / samples.length;

function slopePerMs(samples: readonly MemorySample[]): number {
  const meanAt = samples.reduce((sum, s) => sum + s.atMs, 0) / samples.length;
  const meanBytes = meanRss(samples);
  let covariance = 0;
  let variance = 0;
  for (const s of samples) {
    covariance += (s.atMs - meanAt) * (s.rssBytes - meanBytes);
    variance += (s.atMs - meanAt) ** 2;
  }
  return variance === 0 ? 0 : covariance / variance;
}
