// Lambda code bundled on this machine with esbuild's API at synth time: no Docker, no package-manager
// binary on PATH (NodejsFunction shells out to one), and workspace packages resolved to their sources.
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DockerImage } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { buildSync } from 'esbuild';

/** Bundles `entry` (a .ts file exporting `handler`) into `index.mjs`, ESM for Node 24. */
export function bundledHandlerCode(entry: URL): lambda.Code {
  const entryPath = fileURLToPath(entry);
  const packageRoot = dirname(dirname(dirname(entryPath)));
  return lambda.Code.fromAsset(packageRoot, {
    // The bundle depends on the package's sources and its lockfile-resolved dependencies.
    exclude: ['node_modules', 'cdk.out', 'dist', 'test-results', 'tests'],
    bundling: {
      image: DockerImage.fromRegistry('bundling-runs-locally-with-esbuild'),
      local: {
        tryBundle(outputDir) {
          buildSync({
            entryPoints: [entryPath],
            outfile: `${outputDir}/index.mjs`,
            bundle: true,
            platform: 'node',
            format: 'esm',
            target: 'node24',
            minify: true,
            sourcemap: true,
            conditions: ['@tributary/source'],
            banner: {
              js: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
            },
            logLevel: 'error',
          });
          return true;
        },
      },
    },
  });
}
