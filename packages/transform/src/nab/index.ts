// @tributary/transform/nab — the Numenta Anomaly Benchmark: its CSV formats and its scoring (probation,
// scaled-sigmoid windows, one corpus-wide threshold, normalisation). It lives here rather than in
// tools/ so both `tributary nab --score` (an app) and tools/nab can use it: apps may import stages only.
export * from './timestamps.js';
export * from './profiles.js';
export * from './windows.js';
export * from './row-weights.js';
export * from './corpus-score.js';
export * from './nab-csv.js';
export * from './nab-score.js';
export * from './nab-files.js';
