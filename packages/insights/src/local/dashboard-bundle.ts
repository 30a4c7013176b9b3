// The dashboard's front end (src/web, TypeScript with uPlot) bundled by esbuild when the server starts:
// in memory, no files written, one script and one stylesheet the server answers from memory.
// https://esbuild.github.io/api/#write
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export interface DashboardAsset {
  readonly body: Uint8Array;
  readonly contentType: string;
  /** A strong ETag, so a reload revalidates instead of downloading the bundle again. */
  readonly etag: string;
}

export interface DashboardBundle {
  readonly script: DashboardAsset;
  readonly stylesheet: DashboardAsset;
}

// Two levels below the package root whether this runs from src/local or dist/local: the browser code is
// bundled from its TypeScript source either way.
const entryPoint = fileURLToPath(new URL('../../src/web/dashboard-app.ts', import.meta.url));

export async function bundleDashboard(): Promise<DashboardBundle> {
  const result = await build({
    entryPoints: [entryPoint],
    bundle: true,
    write: false,
    outdir: 'dashboard',
    entryNames: 'app',
    format: 'iife',
    platform: 'browser',
    target: ['es2022'],
    minify: true,
    sourcemap: false,
    legalComments: 'none',
    logLevel: 'silent',
  });
  const assetOf = (extension: string, contentType: string): DashboardAsset => {
    const file = result.outputFiles.find((output) => output.path.endsWith(extension));
    if (!file) throw new Error(`esbuild produced no ${extension} file for the dashboard.`);
    const etag = `"${createHash('sha256').update(file.contents).digest('base64url').slice(0, 27)}"`;
    return { body: file.contents, contentType, etag };
  };
  return {
    script: assetOf('.js', 'text/javascript; charset=utf-8'),
    stylesheet: assetOf('.css', 'text/css; charset=utf-8'),
  };
}
