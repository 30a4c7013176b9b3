// `pnpm bench dashboard`: first paint of the local dashboard with 1,000 devices in the lake (target < 1 s),
// in Debian's Chromium driven by playwright-core, the lake written by the real LakeWriter. Baseline, same
// run and browser: first paint of a one-line page from a bare node:http server — what Chromium alone costs.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { aFleetOfReadings } from '@tributary/contracts/testing';
import { LakeQueryService, LiveFeed, startDashboardServer } from '@tributary/insights/local';
import { LakeWriter } from '@tributary/store/local';
import { chromium, type Browser } from 'playwright-core';
import { formatComparison, formatDuration, meetsTarget, summarize, type Comparison } from './measure.js';

const devices = 1_000;
const runs = 7;

/** Two metrics per device, read twice in the last half hour, written as the platform writes them. */
async function writeFleetLake(lakeDir: string): Promise<void> {
  const lake = await LakeWriter.open({ lakeDir, flushIntervalMs: 60_000 });
  try {
    lake.append('telemetry', aFleetOfReadings(devices, Date.now()));
    await lake.flush();
  } finally {
    await lake.close();
  }
}

/** First contentful paint and, where the page marks it, every widget filled; each in a fresh page. */
async function paintTimes(browser: Browser, url: string, waitForWidgets: boolean) {
  const paints: number[] = [];
  const filled: number[] = [];
  for (let run = 0; run <= runs; run += 1) {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    try {
      await page.goto(url);
      if (waitForWidgets) {
        await page.waitForFunction(
          () => performance.getEntriesByName('dashboard-widgets-loaded').length > 0,
          undefined,
          {
            timeout: 30_000,
          },
        );
      }
      await page.waitForFunction(() => performance.getEntriesByName('first-contentful-paint').length > 0);
      const times = await page.evaluate(() => ({
        paint: performance.getEntriesByName('first-contentful-paint')[0]!.startTime,
        filled: performance.getEntriesByName('dashboard-widgets-loaded')[0]?.startTime ?? Number.NaN,
      }));
      if (run === 0) continue; // warm-up: the server's first bundle and DuckDB's first footers
      paints.push(times.paint);
      filled.push(times.filled);
    } finally {
      await page.close();
    }
  }
  return { paint: summarize(paints), filled: waitForWidgets ? summarize(filled) : undefined };
}

export async function dashboard(): Promise<boolean> {
  const workDir = await mkdtemp(join(tmpdir(), 'tributary-bench-dashboard-'));
  const lakeDir = join(workDir, 'lake');
  await writeFleetLake(lakeDir);
  const queries = await LakeQueryService.open({ lakeDir });
  const server = await startDashboardServer({
    queryService: queries,
    liveFeed: new LiveFeed(),
    status: () => ({}),
  });
  const bare = createServer((_req, res) =>
    res
      .writeHead(200, { 'content-type': 'text/html' })
      .end('<!doctype html><title>bare</title><p>bare page</p>'),
  );
  await new Promise<void>((resolve) => bare.listen(0, '127.0.0.1', resolve));
  const browser = await chromium.launch({
    executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
    args: ['--no-sandbox'],
  });
  try {
    const baseline = await paintTimes(
      browser,
      `http://127.0.0.1:${(bare.address() as AddressInfo).port}/`,
      false,
    );
    const ours = await paintTimes(browser, server.url, true);
    const comparison: Comparison = {
      label: `first paint, ${devices.toLocaleString('en')} devices, p50 of ${runs}`,
      valueMs: ours.paint.p50,
      baselineMs: baseline.paint.p50,
      targetMs: 1_000,
    };
    console.log(
      `dashboard: Debian's Chromium (playwright-core), the lake written by LakeWriter (${devices * 4} readings)`,
    );
    console.log(
      `  baseline: first paint of a one-line page from a bare node:http server, p50 ${formatDuration(baseline.paint.p50)}`,
    );
    console.log(`  ${formatComparison(comparison)}`);
    console.log(
      `  every widget filled, p50 ${formatDuration(ours.filled!.p50)}, p95 ${formatDuration(ours.filled!.p95)} after navigation`,
    );
    return meetsTarget(comparison);
  } finally {
    await browser.close();
    bare.close();
    await server.close();
    await queries.close();
    await rm(workDir, { recursive: true, force: true });
  }
}
