// NAB's per-row weights: what a detection at each row earns (inside a window, by the scaled sigmoid of
// its position) or costs (outside, decaying after the most recent window), and the probation period.
import type { CostProfile } from './profiles.js';
import type { RowRange } from './windows.js';

/** σ_s(y) = 2σ(−5y) − 1, and −1 beyond y = 3. */
export function scaledSigmoid(y: number): number {
  if (y > 3) return -1;
  return 2 / (1 + Math.exp(5 * y)) - 1;
}

/** Rows before this index are not scored: min(floor(15 % of the rows), 15 % of 5000). */
export function probationLength(rows: number): number {
  return Math.min(Math.floor(0.15 * rows), 0.15 * 5000);
}

export interface RowWeights {
  /** s_i: the signed weight of a detection at row i. */
  readonly weight: Float64Array;
  /** Index into the series' windows of the window holding row i, or −1 outside every window. */
  readonly window: Int32Array;
}

export function rowWeights(rows: number, windows: readonly RowRange[], profile: CostProfile): RowWeights {
  const weight = new Float64Array(rows);
  const window = new Int32Array(rows).fill(-1);
  const tpScale = profile.tpWeight / scaledSigmoid(-1);
  let next = 0;
  let previous: RowRange | undefined;
  for (let row = 0; row < rows; row += 1) {
    const current = windows[next];
    if (current && row >= current[0] && row <= current[1]) {
      const [left, right] = current;
      weight[row] = tpScale * scaledSigmoid(-(right - row + 1) / (right - left + 1));
      window[row] = next;
      if (row === right) {
        previous = current;
        next += 1;
      }
    } else if (previous) {
      const [left, right] = previous;
      // NAB divides by the previous window's width minus one, not its width.
      weight[row] = profile.fpWeight * scaledSigmoid(Math.abs(row - right) / (right - left));
    } else {
      weight[row] = -profile.fpWeight;
    }
  }
  return { weight, window };
}
