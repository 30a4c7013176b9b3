// Streaming anomaly detectors for the Transform stage: the contract, the default and the baseline.
import { createLikelihoodEnsemble } from './likelihood-ensemble.js';

export type { StreamingDetector } from './streaming-detector.js';
export {
  createLikelihoodEnsemble,
  likelihoodEnsembleDefaults,
  type LikelihoodEnsembleSettings,
  type LikelihoodEnsembleState,
} from './likelihood-ensemble.js';
export { ewmaZScoreDetector } from './ewma-zscore.js';

/** The detector `tributary nab` and the benchmarks use unless told otherwise. */
export const defaultDetector = createLikelihoodEnsemble();
