// How unexpected the current quantised value is given the few values before it: a small Markov model
// in the spirit of Numenta's sequence memory and CAD OSE's contexts. Counts live in flat arrays so the
// state stays a small plain object.

export interface SequenceState {
  /** The previous `order − 1` bins, as one base-`bins` number. */
  prefix: number;
  /** Times each (prefix, bin) followed; `prefixTotals` counts each prefix. */
  sequenceCounts: number[];
  prefixTotals: number[];
}

export interface SequenceSettings {
  readonly bins: number;
  /** Length of the bin sequences counted, the current bin included. */
  readonly order: number;
}

export function emptySequenceState({ bins, order }: SequenceSettings): SequenceState {
  const prefixes = bins ** (order - 1);
  return {
    prefix: 0,
    sequenceCounts: new Array<number>(prefixes * bins).fill(0),
    prefixTotals: new Array<number>(prefixes).fill(0),
  };
}

/** 1 − P(bin | previous bins), 1 for a never-seen prefix; then learns the sequence. */
export function sequenceNoveltyThenLearn(
  state: SequenceState,
  bin: number,
  settings: SequenceSettings,
): number {
  const prefixTotal = state.prefixTotals[state.prefix]!;
  const sequence = state.prefix * settings.bins + bin;
  const novelty = prefixTotal > 0 ? 1 - state.sequenceCounts[sequence]! / prefixTotal : 1;
  state.sequenceCounts[sequence]! += 1;
  state.prefixTotals[state.prefix]! += 1;
  state.prefix = sequence % state.prefixTotals.length;
  return novelty;
}
