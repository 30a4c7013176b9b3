// The dashboard page in a real browser against a real server, lake and live feed.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  LakeQueryService,
  LiveFeed,
  startDashboardServer,
  type DashboardServer,
} from '../src/local/index.js';
import { launchChromium } from './chromium.js';
import {
  aQuarantineRecord,
  aReading,
  anAnomaly,
  makeTempDir,
  removeDir,
  writeLakeRows,
} from './lake-fixtures.js';

let workDir: string;
let queries: LakeQueryService;
let liveFeed: LiveFeed;
let dashboard: DashboardServer;
let browser: Browser;
let page: Page;
let pageErrors: string[];

beforeAll(async () => {
  workDir = await makeTempDir('dashboard-page');
  const lakeDir = join(workDir, 'lake');
  await mkdir(lakeDir);
  await writeLakeRows(lakeDir, 'telemetry', [aReading(), aReading({ metric: 'pressure', value: 1.2 })]);
  queries = await LakeQueryService.open({ lakeDir });
  liveFeed = new LiveFeed();
  dashboard = await startDashboardServer({
    queryService: queries,
    liveFeed,
    status: () => ({ streamDepth: 3, processed: 42, lake: { filesWritten: 7 } }),
  });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await dashboard?.close();
  await queries?.close();
  await removeDir(workDir);
});

beforeEach(async () => {
  page = await browser.newPage();
  pageErrors = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => {
    // The browser logs every 4xx; a refused query is an answer the page shows, not a page error.
    if (message.type() === 'error' && !/status of 400/.test(message.text())) pageErrors.push(message.text());
  });
  await page.goto(dashboard.url);
  await expect.poll(() => page.locator('#connection').textContent()).toBe('live');
});

afterEach(async () => {
  await page.close();
  // Also catches a Content-Security-Policy that blocks the page's own script or styles.
  expect(pageErrors).toEqual([]);
});

const textOf = (selector: string) => () => page.locator(selector).innerText();

describe('dashboard page', () => {
  it('shows a published reading in the live table and the device view, with its enrichment', async () => {
    liveFeed.publish({
      type: 'reading',
      reading: aReading({
        thing_name: 'boiler-3',
        metric: 'temperature',
        value: 99.5,
        site: 'plant-z',
        thing_type: 'boiler',
      }),
    });
    await expect.poll(textOf('#readings tbody')).toContain('boiler-3');
    const row = await page.locator('#readings tbody tr', { hasText: 'boiler-3' }).innerText();
    expect(row).toContain('99.5');
    expect(row).toContain('plant-z');
    expect(row).toContain('boiler');
    expect(row).toContain('2026-11-25 05:15:30.123');
    expect(await page.locator('#readings thead').innerText()).toMatch(/thing_name\s+metric\s+value/);
    await expect.poll(textOf('#devices tbody')).toContain('temperature = 99.5');
  });

  it('shows anomalies and quarantine records with their reason', async () => {
    liveFeed.publish({
      type: 'anomaly',
      event: anAnomaly({ thing_name: 'valve-1', detector: 'ewma-zscore' }),
    });
    liveFeed.publish({
      type: 'quarantine',
      record: aQuarantineRecord({ reason: 'NON_FINITE_NUMBER', detail: 'value is NaN' }),
    });
    await expect.poll(textOf('#anomalies tbody')).toContain('valve-1');
    await expect.poll(textOf('#quarantine tbody')).toContain('NON_FINITE_NUMBER');
    expect(await page.locator('#quarantine tbody').innerText()).toContain('value is NaN');
  });

  it('shows what was published before the page opened', async () => {
    liveFeed.publish({ type: 'reading', reading: aReading({ thing_name: 'early-bird' }) });
    await page.reload();
    await expect.poll(textOf('#readings tbody')).toContain('early-bird');
  });

  it('shows data as text, never as markup', async () => {
    const markup = '<img src=x onerror="document.title=\'pwned\'">';
    liveFeed.publish({ type: 'reading', reading: aReading({ thing_name: markup }) });
    await expect.poll(textOf('#readings tbody')).toContain(markup);
    expect(await page.locator('#readings img').count()).toBe(0);
    expect(await page.title()).toBe('Tributary dashboard');
  });

  it('polls the platform status', async () => {
    await expect.poll(textOf('#status')).toMatch(/processed\s+42/);
    expect(await page.locator('#status').innerText()).toMatch(/lake\.filesWritten\s+7/);
  });

  it('runs SQL from the SQL box and shows the result rows', async () => {
    await page.locator('#sql').fill('SELECT metric, value FROM telemetry ORDER BY metric');
    await page.locator('#run-sql').click();
    await expect.poll(textOf('#sql-summary')).toMatch(/^2 rows in \d+ ms$/);
    expect(await page.locator('#sql-result thead').innerText()).toMatch(/metric\s+value/);
    const rows = await page.locator('#sql-result tbody tr').allInnerTexts();
    expect(rows.map((row) => row.split('\t'))).toEqual([
      ['pressure', '1.2'],
      ['temperature', '21.5'],
    ]);
  });

  it('shows the error of a query that fails', async () => {
    await page.locator('#sql').fill('DROP VIEW telemetry');
    await page.locator('#sql').press('Control+Enter');
    await expect.poll(textOf('#sql-error')).toMatch(/^FORBIDDEN: /);
    expect(await page.locator('#sql-result tbody tr').count()).toBe(0);
  });
});
