// How node runs the tributary CLI, here, in the root package.json's `start` and `tributary` scripts (keep
// them alike), and in `pnpm bench e2e`: from the TypeScript sources (workspace packages resolve to them
// through the "@tributary/source" condition), with a 32 MB semi-space (young generation) instead of node's
// 16 MB. Under load the platform allocates short-lived envelopes, rows and buffers at a high rate; with the
// default the scavenger ran twice as long (garbage collection 13.8 s → 7.4 s of the platform's CPU in
// `pnpm bench e2e` at 64 MB). It is a V8 flag, so it sizes every isolate of the process, the lake's publishing
// worker too (a worker's resourceLimits do not override it), and V8 grows a young generation to its maximum
// only after minutes of load: at 64 MB the two isolates' young generations added ~110 MB to the RSS during
// the bench's 10-minute run (memory +12.5% between its halves). At 32 MB the worker's heap stayed ~85 MB
// instead of growing to ~150 MB, with the same msg/s and batched readings/s as at 64 MB in back-to-back runs
// (two 10-minute runs then grew +9.9% and +15.1%: the young generation is not all of that growth).
export const cliNodeFlags = ['--conditions=@tributary/source', '--import', 'tsx', '--max-semi-space-size=32'];
