// The simple baseline: the EWMA z-score detector behind the streaming-detector contract, for comparison
// with the default detector (on NAB and in the benchmark).
import { zscoreDetector, type ZScoreState } from '../zscore-detector.js';
import type { StreamingDetector } from './streaming-detector.js';

export const ewmaZScoreDetector: StreamingDetector<ZScoreState> = {
  name: zscoreDetector.name,
  initialState: () => zscoreDetector.initialState(),
  score(state, value) {
    if (!Number.isFinite(value)) return 0;
    return zscoreDetector.score(state, value) ?? 0;
  },
};
