// Test settings every project shares: resolve workspace packages to their TypeScript source
// (the "@tributary/source" export condition) so tests never need a prior build.
import type { ViteUserConfig } from 'vitest/config';

const sourceConditions = ['@tributary/source', 'node'];

export const sharedVitestConfig: ViteUserConfig = {
  resolve: { conditions: sourceConditions },
  ssr: { resolve: { conditions: sourceConditions, externalConditions: ['@tributary/source'] } },
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // The JSON report feeds the one-line summary at the end of `pnpm test` (tools/scripts/test-summary.mjs).
    reporters: ['default', ['json', { outputFile: 'test-results/vitest.json' }]],
  },
};
