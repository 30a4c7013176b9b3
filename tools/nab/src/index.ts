// @tributary/nab — the NAB corpus on this machine, NAB's own windowed-Gaussian baseline, and detector
// evaluation in memory (the scoring itself is @tributary/transform/nab).
export { evaluateDetector, type DetectorEvaluation } from './evaluate-detector.js';
export { locateNabCorpus, type NabCorpusLocation } from './nab-corpus.js';
export { nabWindowedGaussian } from './nab-windowed-gaussian.js';
