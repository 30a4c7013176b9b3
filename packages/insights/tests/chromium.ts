// Launches the system's Chromium (Debian package `chromium`) for the dashboard's browser tests. A machine
// without it fails these tests with the fix, rather than skipping them: CI installs it (.ci/run).
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

function chromiumPath(): string {
  // A Chromium-family browser elsewhere (e.g. GitHub runners' /usr/bin/google-chrome).
  const configured = process.env['CHROMIUM_PATH'];
  if (configured) return configured;
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    const candidate = join(dir, 'chromium');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory; look in the next
    }
  }
  throw new Error(
    'Chromium is not installed, and the dashboard browser tests need it: ' +
      'install it with `apt-get install -y chromium` (Debian/Ubuntu) so that `chromium` is on the PATH, or set CHROMIUM_PATH to a Chromium-family browser.',
  );
}

export const launchChromium = (): Promise<Browser> =>
  chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox'] });
