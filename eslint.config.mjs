// Lint rules that make the architecture executable (see DESIGN.md §2):
// - a stage imports only contracts and the stages upstream of it (Nx tags + depConstraints);
// - runtime code never imports aws-cdk-lib or cdk-nag: only a stage's src/infra/ and apps/cdk may.
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

const stageOrder = ['ingest', 'transform', 'store', 'insights', 'cross-cutting'];
const stageConstraints = stageOrder.map((stage, index) => ({
  sourceTag: `stage:${stage}`,
  onlyDependOnLibsWithTags: ['scope:contracts', ...stageOrder.slice(0, index).map((s) => `stage:${s}`)],
}));

const cdkOnly = {
  paths: [
    { name: 'aws-cdk-lib', message: 'aws-cdk-lib belongs in src/infra/ (runtime code runs in Lambda and locally).' },
    { name: 'cdk-nag', message: 'cdk-nag belongs in src/infra/.' },
    { name: 'constructs', message: 'constructs belongs in src/infra/.' },
  ],
  patterns: [{ group: ['aws-cdk-lib/*', '@aws-cdk/*'], message: 'CDK belongs in src/infra/.' }],
};

export default [
  { ignores: ['**/dist/**', '**/cdk.out/**', '**/node_modules/**', '**/.nx/**', '**/coverage/**'] },
  ...tseslint.configs.recommended,
  { plugins: { '@nx': nx } },
  {
    files: ['**/*.ts', '**/*.mts', '**/*.mjs', '**/*.js'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            { sourceTag: 'scope:contracts', onlyDependOnLibsWithTags: ['scope:contracts'] },
            ...stageConstraints,
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['scope:contracts', ...stageOrder.map((s) => `stage:${s}`)] },
            { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['*'] },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['packages/*/src/**/*.ts'],
    ignores: ['packages/*/src/infra/**', 'packages/contracts/src/cdk/**'],
    rules: { 'no-restricted-imports': ['error', cdkOnly] },
  },
  {
    files: ['apps/platform/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', cdkOnly] },
  },
  {
    // Tool configuration files share workspace-level settings by relative path.
    files: ['**/vitest.config.ts'],
    rules: { '@nx/enforce-module-boundaries': 'off' },
  },
  prettier,
];
