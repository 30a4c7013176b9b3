// First paint of the dashboard with 1,000 devices in the lake, measured in Chromium and printed. Not a
// timed assertion (the target, < 1 s, belongs in a benchmark); it asserts the page did show the fleet,
// the device list one page at a time.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { aFleetOfReadings } from '@tributary/contracts/testing';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultDashboard, type DeviceListWidget } from '../src/core/index.js';
import {
  LakeQueryService,
  LiveFeed,
  startDashboardServer,
  type DashboardServer,
} from '../src/local/index.js';
import { launchChromium } from './chromium.js';
import { makeTempDir, removeDir, writeLakeRows } from './lake-fixtures.js';

const devices = 1_000;
const { pageSize } = defaultDashboard.widgets.find((w): w is DeviceListWidget => w.kind === 'device-list')!;
const now = Date.now();

let workDir: string;
let queries: LakeQueryService;
let dashboard: DashboardServer;
let browser: Browser;

beforeAll(async () => {
  workDir = await makeTempDir('first-paint');
  const lakeDir = join(workDir, 'lake');
  await mkdir(lakeDir);
  // Each device: temperature and humidity, 20 and 10 minutes ago.
  const readings = aFleetOfReadings(devices, now);
  await writeLakeRows(lakeDir, 'telemetry', readings);
  queries = await LakeQueryService.open({ lakeDir });
  dashboard = await startDashboardServer({
    queryService: queries,
    liveFeed: new LiveFeed(),
    status: () => ({}),
  });
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await dashboard?.close();
  await queries?.close();
  await removeDir(workDir);
});

describe('dashboard with 1,000 devices', () => {
  it('paints, then fills every widget; the times are printed', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    try {
      await page.goto(dashboard.url);
      await expect
        .poll(() => page.locator('#devices-table tbody tr').count(), { timeout: 20_000 })
        .toBe(pageSize);
      expect(await page.locator('#widget-devices .widget-note').innerText()).toMatch(
        new RegExp(`^1–${pageSize} of ${devices} devices`),
      );
      await expect.poll(() => page.locator('[data-widget][data-state="loading"]').count()).toBe(0);
      const timings = await page.evaluate(() => {
        const navigation = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
        const paint = performance.getEntriesByName('first-contentful-paint')[0];
        const loaded = performance.getEntriesByName('dashboard-widgets-loaded')[0];
        return {
          firstContentfulPaintMs: paint?.startTime ?? NaN,
          domContentLoadedMs: navigation.domContentLoadedEventEnd,
          widgetsLoadedMs: loaded?.startTime ?? NaN,
        };
      });
      console.log(
        `1,000 devices: first contentful paint ${timings.firstContentfulPaintMs.toFixed(0)} ms, ` +
          `DOMContentLoaded ${timings.domContentLoadedMs.toFixed(0)} ms, ` +
          `every widget filled ${timings.widgetsLoadedMs.toFixed(0)} ms after navigation (target: first paint < 1 s)`,
      );
      expect(timings.firstContentfulPaintMs).toBeGreaterThan(0);
      expect(timings.widgetsLoadedMs).toBeGreaterThan(0);
      expect(
        await page.locator('#widget-temperature-by-device .widget-body').getAttribute('data-readings'),
      ).toContain('sim-0007');

      // The next page: the devices after the first page's, by name.
      const firstPageLast = await page.locator('#devices-table tbody tr').last().getAttribute('data-device');
      await page.locator('#devices-next').click();
      await expect
        .poll(() => page.locator('#widget-devices .widget-note').innerText())
        .toMatch(new RegExp(`^${pageSize + 1}–${2 * pageSize} of ${devices} devices`));
      const secondPageFirst = await page
        .locator('#devices-table tbody tr')
        .first()
        .getAttribute('data-device');
      expect(secondPageFirst! > firstPageLast!).toBe(true);
    } finally {
      await page.close();
    }
  });
});
