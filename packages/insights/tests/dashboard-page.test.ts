// The dashboard page in a real browser (Debian's Chromium driven by playwright-core) against a real
// server, lake, live feed and device directory: widgets drawn from the lake, live events and device
// connections and shadows on screen, SQL errors shown.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { defaultDashboard } from '../src/core/index.js';
import type { DashboardServer, LiveFeed, LocalDeviceDirectory } from '../src/local/index.js';
import { launchChromium } from './chromium.js';
import {
  InMemoryThings,
  presenceMessage,
  shadowDocumentsMessage,
  startDeviceDashboard,
  type DeviceDashboard,
  type InMemoryShadows,
} from './device-fixtures.js';
import {
  aQuarantineRecord,
  aReading,
  anAnomaly,
  makeTempDir,
  removeDir,
  writeLakeRows,
} from './lake-fixtures.js';

const testResultsDir = join(import.meta.dirname, '..', 'test-results');
// The lake holds the last half hour of two pumps, one reading a minute each.
const startedAt = Date.now();
const lakeReadings = ['pump-1', 'pump-2'].flatMap((thing_name, device) =>
  Array.from({ length: 30 }, (_, minute) =>
    aReading({
      thing_name,
      received_at: startedAt - (30 - minute) * 60_000,
      value: 20 + device + minute / 10,
      message_id: `${thing_name}-${minute}`,
    }),
  ),
);

let workDir: string;
let served: DeviceDashboard;
let liveFeed: LiveFeed;
let shadows: InMemoryShadows;
let directory: LocalDeviceDirectory;
let dashboard: DashboardServer;
let browser: Browser;
let page: Page;
let pageErrors: string[];

beforeAll(async () => {
  workDir = await makeTempDir('dashboard-page');
  const lakeDir = join(workDir, 'lake');
  await mkdir(lakeDir);
  await writeLakeRows(lakeDir, 'telemetry', lakeReadings);
  await writeLakeRows(lakeDir, 'anomalies', [
    anAnomaly({ thing_name: 'pump-2', received_at: startedAt - 10 * 60_000, detector: 'from-the-lake' }),
  ]);
  const things = new InMemoryThings();
  things.add('pump-1', 'pump', { site: 'plant-1' });
  things.add('pump-2', 'pump', { site: 'plant-2' });
  served = await startDeviceDashboard({
    lakeDir,
    things,
    onPublishFailure: (error) => {
      throw error;
    },
    status: () => ({
      streamDepth: 3,
      processed: 42,
      lake: { filesWritten: 7 },
      awsCostSoFar: { iotMessages: 10, estimatedUsd: 0.0421 },
    }),
  });
  ({ liveFeed, shadows, directory, dashboard } = served);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await served?.close();
  await removeDir(workDir);
});

beforeEach(async () => {
  page = await browser.newPage({ viewport: { width: 1400, height: 1800 } });
  pageErrors = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => {
    // The browser logs every 4xx; a refused query is an answer the page shows, not a page error.
    if (message.type() === 'error' && !/status of 400/.test(message.text())) pageErrors.push(message.text());
  });
  await page.goto(dashboard.url);
  // Ready, not fast: with the whole suite running on 2 cores the live feed took over a second to connect
  // (how fast things reach the screen is measured by its own tests below and by `pnpm bench dashboard`).
  const ready = { timeout: 15_000 };
  await expect.poll(() => page.locator('#connection').textContent(), ready).toBe('live');
  await expect.poll(() => page.locator('[data-widget][data-state="loading"]').count(), ready).toBe(0);
});

afterEach(async () => {
  await page.close();
  // Also catches a Content-Security-Policy that blocks the page's own script or styles.
  expect(pageErrors).toEqual([]);
});

const textOf = (selector: string) => () => page.locator(selector).innerText();
const chartReadings = async (widgetId: string): Promise<Record<string, number>> =>
  JSON.parse((await page.locator(`#widget-${widgetId} .widget-body`).getAttribute('data-readings')) ?? '{}');

/** A device-list row by column name: a cell's text, or its entries (`key = value`) where it lists some. */
async function cellsOf(row: Locator): Promise<Record<string, string | string[]>> {
  const names = await page.locator('#devices-table thead th').allInnerTexts();
  const cells = await row.locator('td').all();
  const texts = await Promise.all(
    cells.map(async (cell) => {
      const entries = await cell.locator('span').allInnerTexts();
      return entries.length > 0 ? entries : await cell.innerText();
    }),
  );
  return Object.fromEntries(names.map((name, i) => [name, texts[i]!]));
}

/** Resolves once `probe` holds, polling every frame; returns how long it took. */
async function timeUntil(probe: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < timeoutMs) {
    if (await probe()) return performance.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 16));
  }
  throw new Error(`Not on screen within ${timeoutMs} ms.`);
}

describe('dashboard page', () => {
  it('draws every widget of the definition, the charts from the lake', async () => {
    const widgets = await page
      .locator('[data-widget]')
      .evaluateAll((nodes) =>
        nodes.map((node) => [
          (node as HTMLElement).dataset['widget'],
          (node as HTMLElement).dataset['state'],
        ]),
      );
    expect(widgets).toEqual(defaultDashboard.widgets.map((widget) => [widget.id, 'loaded']));
    expect(await page.locator('[data-widget] canvas').count()).toBeGreaterThanOrEqual(5);
    // 30 readings a pump in the lake, each counted once in its bucket.
    expect(await chartReadings('temperature-by-device')).toEqual({ 'pump-1': 30, 'pump-2': 30 });
    expect(await chartReadings('temperature-fleet')).toEqual({ min: 60, avg: 60, max: 60 });
    expect(await chartReadings('anomaly-timeline')).toEqual({ raised: 1, cleared: 0 });
    expect(await page.locator('#widget-temperature-by-device .u-legend').innerText()).toMatch(
      /pump-1[\s\S]*pump-2/,
    );
    const pump1 = page.locator('#devices-table tr[data-device="pump-1"]');
    await expect.poll(() => pump1.locator('td.reporting').count()).toBe(1);
    expect(await pump1.innerText()).toMatch(/^pump-1\s+pump\s+site = plant-1\s+unknown/);
    expect(await page.locator('#widget-devices .widget-note').innerText()).toMatch(/^1–2 of 2 devices/);
    expect(await page.locator('#anomalies-table tbody').innerText()).toContain('from-the-lake');
  });

  it('shows a published reading on the chart and in the device list within a second', async () => {
    const reading = aReading({
      thing_name: 'boiler-3',
      value: 99.5,
      received_at: Date.now(),
      message_id: 'live-1',
    });
    liveFeed.publish({ type: 'reading', reading });
    const onChartMs = await timeUntil(
      async () => (await chartReadings('temperature-by-device'))['boiler-3'] === 1,
      1_000,
    );
    const inListMs = await timeUntil(
      async () => (await page.locator('#devices-table tbody').innerText()).includes('temperature = 99.5'),
      1_000,
    );
    console.log(
      `live reading on the chart after ${onChartMs.toFixed(0)} ms, in the device list after ${inListMs.toFixed(0)} ms`,
    );
    expect((await chartReadings('temperature-fleet'))['avg']).toBe(61);
    expect(await page.locator('#widget-temperature-by-device .u-legend').innerText()).toContain('boiler-3');
  });

  it('shows a device connecting, its reported shadow and delta, then its disconnect, each within a second', async () => {
    const row = page.locator('#devices-table tr[data-device="pump-2"]');
    const rowText = () => row.innerText();
    expect(await cellsOf(row)).toMatchObject({
      type: 'pump',
      attributes: ['site = plant-2'],
      connection: 'unknown',
    });

    directory.observe(...presenceMessage('connected', 'pump-2'));
    const connectedMs = await timeUntil(
      async () => (await row.getAttribute('data-connection')) === 'connected',
      1_000,
    );

    shadows.update('pump-2', { mode: 'eco' }, { mode: 'boost', firmware: '2.0.1' });
    directory.observe(...shadowDocumentsMessage('pump-2'));
    const shadowMs = await timeUntil(async () => (await rowText()).includes('firmware = 2.0.1'), 1_000);
    expect(await cellsOf(row)).toMatchObject({
      reported: ['firmware = 2.0.1', 'mode = boost'],
      'desired ≠ reported': ['mode = eco'],
      'shadow version': '1',
    });

    directory.observe(
      ...presenceMessage('disconnected', 'pump-2', { disconnectReason: 'MQTT_KEEP_ALIVE_TIMEOUT' }),
    );
    const disconnectedMs = await timeUntil(
      async () => (await row.getAttribute('data-connection')) === 'disconnected',
      1_000,
    );
    expect(await cellsOf(row)).toMatchObject({
      connection: 'disconnected',
      since: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}$/),
      'disconnect reason': 'MQTT_KEEP_ALIVE_TIMEOUT',
    });
    console.log(
      `device list: connected after ${connectedMs.toFixed(0)} ms, shadow after ${shadowMs.toFixed(0)} ms, ` +
        `disconnected after ${disconnectedMs.toFixed(0)} ms`,
    );
  });

  it('shows a published anomaly in the timeline and the anomaly table', async () => {
    liveFeed.publish({
      type: 'anomaly',
      event: anAnomaly({
        thing_name: 'valve-1',
        detector: 'ewma-zscore',
        received_at: Date.now(),
        event_id: 'e-live',
      }),
    });
    await expect.poll(textOf('#anomalies-table tbody')).toContain('valve-1');
    expect(await page.locator('#anomalies-table tbody tr').first().innerText()).toContain('ewma-zscore');
    await expect.poll(() => chartReadings('anomaly-timeline')).toEqual({ raised: 2, cleared: 0 });
  });

  it('counts a quarantined record under its reason and shows the platform status and cost', async () => {
    liveFeed.publish({
      type: 'quarantine',
      record: aQuarantineRecord({ reason: 'NON_FINITE_NUMBER', received_at: Date.now() }),
    });
    await expect.poll(textOf('#pipeline-quarantine tbody')).toMatch(/NON_FINITE_NUMBER\s+1/);
    await expect.poll(textOf('#pipeline-status')).toMatch(/processed\s+42/);
    expect(await page.locator('#pipeline-status').innerText()).toMatch(/lake\.filesWritten\s+7/);
    await expect.poll(textOf('#cost-total')).toBe('$0.042100');
  });

  it('shows data as text, never as markup', async () => {
    const markup = '<img src=x onerror="document.title=\'pwned\'">';
    liveFeed.publish({ type: 'reading', reading: aReading({ thing_name: markup, received_at: Date.now() }) });
    await expect.poll(textOf('#devices-table tbody')).toContain(markup);
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.title()).toBe('Tributary dashboard');
  });

  it('runs SQL from the SQL box and shows the result rows', async () => {
    await page
      .locator('#sql')
      .fill('SELECT thing_name, count(*) AS readings FROM telemetry GROUP BY ALL ORDER BY 1');
    await page.locator('#run-sql').click();
    await expect.poll(textOf('#sql-summary')).toMatch(/^2 rows in \d+ ms$/);
    const rows = await page.locator('#sql-result tbody tr').allInnerTexts();
    expect(rows.map((row) => row.split('\t'))).toEqual([
      ['pump-1', '30'],
      ['pump-2', '30'],
    ]);
  });

  it('shows a clear error for SQL that does not parse, and for SQL that would write', async () => {
    await page.locator('#sql').fill('SELEC thing_name FROM telemetry');
    await page.locator('#sql').press('Control+Enter');
    await expect.poll(textOf('#sql-error')).toMatch(/^SYNTAX_ERROR: .*SELEC/);
    expect(await page.locator('#sql-result tbody tr').count()).toBe(0);

    await page.locator('#sql').fill('DROP VIEW telemetry');
    await page.locator('#run-sql').click();
    await expect.poll(textOf('#sql-error')).toMatch(/^FORBIDDEN: /);
    await mkdir(testResultsDir, { recursive: true });
    await page.screenshot({ path: join(testResultsDir, 'dashboard.png'), fullPage: true });
  });
});
