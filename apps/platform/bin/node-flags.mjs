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

// libuv's thread pool (4 threads by default) runs both the stream's writes and fsyncs, which every PUBACK waits
// for, and every DuckDB query (@duckdb/node-api runs its queries there). With the SQL API's 4 queries running, a
// PUBACK waited for one of them to end: measured with 20 devices at 800 msg/s and 4 queries of ~0.9 s each,
// publish → PUBACK p99 went from 14 ms to 666–793 ms and half the messages were not acknowledged meanwhile; with
// 16 threads, p99 62 ms at the full rate. It is read from the environment when the pool starts, before any of
// the CLI's code runs, so it is set here, for the process that runs the CLI. A value already set is kept.
export const cliThreadPoolSize = '16';

/** The environment to run the CLI in: this one, with the thread pool above unless one is set. */
export const cliEnvironment = (env = process.env) => ({
  ...env,
  UV_THREADPOOL_SIZE: env.UV_THREADPOOL_SIZE ?? cliThreadPoolSize,
});
