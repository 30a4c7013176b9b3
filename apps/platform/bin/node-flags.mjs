// How node runs the tributary CLI, here, in the root package.json's `start` and `tributary` scripts (keep
// them alike), and in `pnpm bench e2e`: from the TypeScript sources (workspace packages resolve to them
// through the "@tributary/source" condition), with a 64 MB young generation. Under load the platform
// allocates short-lived envelopes, rows and buffers at a high rate; with node's 16 MB default the
// scavenger ran twice as long (garbage collection 13.8 s → 7.4 s of the platform's CPU in `pnpm bench e2e`).
export const cliNodeFlags = ['--conditions=@tributary/source', '--import', 'tsx', '--max-semi-space-size=64'];
