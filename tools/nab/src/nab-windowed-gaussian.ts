// NAB's own "windowed Gaussian" baseline, reimplemented line for line from
// numenta/NAB nab/detectors/gaussian/windowedGaussian_detector.py (window 6400, step 100, score =
// 1 − Q(|z|)). Its published score on our subset (29.1) checks the scorer end to end. Not a platform
// detector: its state is 6400 values per series.
import type { StreamingDetector } from '@tributary/transform';

interface WindowedGaussianState {
  window: number[];
  pending: number[];
  mean: number;
  std: number;
  /** Welford's sum of squared deviations while the window fills (numpy's two passes are O(n) a point). */
  squares: number;
}

const windowSize = 6400;
const stepSize = 100;

export const nabWindowedGaussian: StreamingDetector<WindowedGaussianState> = {
  name: 'nab-windowed-gaussian',
  initialState: () => ({ window: [], pending: [], mean: 0, std: 1, squares: 0 }),
  score(state, value) {
    const score = state.window.length > 0 ? 1 - upperTail(Math.abs(value - state.mean) / state.std) : 0;
    if (state.window.length < windowSize) {
      state.window.push(value);
      growFit(state, value);
    } else {
      state.pending.push(value);
      if (state.pending.length === stepSize) {
        state.window = [...state.window.slice(stepSize), ...state.pending];
        state.pending = [];
        refit(state);
      }
    }
    // NAB's results files hold Python's str(float): 12 significant digits, so 1 − 1e-13 reads as 1.0.
    // The published scores come from those files; the ties that rounding creates move them by a point.
    return Number(score.toPrecision(12));
  },
};

function growFit(state: WindowedGaussianState, value: number): void {
  const n = state.window.length;
  const mean = n === 1 ? value : state.mean + (value - state.mean) / n;
  state.squares = n === 1 ? 0 : state.squares + (value - state.mean) * (value - mean);
  state.mean = mean;
  state.std = state.squares <= 0 ? 0.000001 : Math.sqrt(state.squares / n);
}

function refit(state: WindowedGaussianState): void {
  const n = state.window.length;
  const mean = state.window.reduce((sum, x) => sum + x, 0) / n;
  const variance = state.window.reduce((sum, x) => sum + (x - mean) ** 2, 0) / n;
  state.mean = mean;
  state.std = variance === 0 ? 0.000001 : Math.sqrt(variance);
}

/** Q(z) = ½·erfc(z/√2), accurate to a few ulps (series below 2.5, continued fraction above). */
function upperTail(z: number): number {
  return 0.5 * erfc(z / Math.SQRT2);
}

function erfc(x: number): number {
  if (x < 2.5) {
    let term = x;
    let sum = x;
    for (let n = 1; n < 200 && Math.abs(term) > 1e-17 * Math.abs(sum); n += 1) {
      term *= (-x * x) / n;
      sum += term / (2 * n + 1);
    }
    return 1 - (2 / Math.sqrt(Math.PI)) * sum;
  }
  // Lentz's method for erfc(x) = e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))).
  let fraction = x;
  let c = x;
  let d = 0;
  for (let n = 1; n < 500; n += 1) {
    d = 1 / (x + (n / 2) * d);
    c = x + n / 2 / c;
    const delta = c * d;
    fraction *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / fraction;
}
