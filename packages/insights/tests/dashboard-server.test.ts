import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  LakeQueryService,
  LiveFeed,
  startDashboardServer,
  type DashboardServer,
} from '../src/local/index.js';
import { httpRequest, openSse, postQuery } from './http-client.js';
import {
  aQuarantineRecord,
  aReading,
  anAnomaly,
  makeTempDir,
  removeDir,
  writeLakeRows,
} from './lake-fixtures.js';

const endlessSql = 'SELECT count(*) FROM range(10000000000) a CROSS JOIN range(10000000000) b';

let workDir: string;
let queries: LakeQueryService;
let liveFeed: LiveFeed;
let dashboard: DashboardServer;

beforeAll(async () => {
  workDir = await makeTempDir('dashboard');
  const lakeDir = join(workDir, 'lake');
  await mkdir(lakeDir);
  await writeLakeRows(lakeDir, 'telemetry', [aReading(), aReading({ metric: 'pressure', value: 1.2 })]);
  queries = await LakeQueryService.open({ lakeDir, timeoutMs: 300, maxConcurrentQueries: 1 });
  liveFeed = new LiveFeed();
  dashboard = await startDashboardServer({
    queryService: queries,
    liveFeed,
    status: () => ({ streamDepth: 3, processed: 42, lake: { filesWritten: 7 } }),
    heartbeatIntervalMs: 50,
  });
});

afterAll(async () => {
  await dashboard?.close();
  await queries?.close();
  await removeDir(workDir);
});

describe('dashboard server', () => {
  it('listens on 127.0.0.1 by default and reports the port it got', () => {
    expect(dashboard.url).toMatch(/^http:\/\/127\.0\.0\.1:[1-9]\d*$/);
  });

  it('serves the page with a Content-Security-Policy that allows only its own script and styles', async () => {
    const page = await httpRequest(`${dashboard.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toMatch(
      /default-src 'none'; script-src 'self'; style-src 'self';/,
    );
    expect(page.text).toContain('<script defer src="/assets/app.js"></script>');
    const config = JSON.parse(
      /<script type="application\/json" id="dashboard-config">(.*?)<\/script>/s.exec(page.text)![1]!,
    );
    expect(config.definition.widgets.map((w: { id: string }) => w.id)).toContain('temperature-by-device');
  });

  it('serves the front end bundled in memory, revalidated by ETag', async () => {
    const script = await httpRequest(`${dashboard.url}/assets/app.js`);
    expect(script.status).toBe(200);
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(script.text).toContain('/api/widget?'); // the bundle, not a stub
    expect(script.text).not.toMatch(/^\s*import /m); // one self-contained file
    const again = await httpRequest(`${dashboard.url}/assets/app.js`, {
      headers: { 'if-none-match': script.headers['etag']! },
    });
    expect(again.status).toBe(304);
    const styles = await httpRequest(`${dashboard.url}/assets/app.css`);
    expect(styles.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(styles.text).toContain('.uplot'); // uPlot's own stylesheet is in the bundle
  });

  it('answers GET /api/status with the platform status', async () => {
    const status = await httpRequest(`${dashboard.url}/api/status`);
    expect(status.status).toBe(200);
    expect(status.json).toEqual({ streamDepth: 3, processed: 42, lake: { filesWritten: 7 } });
  });

  it('answers 404 for an unknown path and 405 for a wrong method', async () => {
    const missing = await httpRequest(`${dashboard.url}/nope`);
    expect(missing.status).toBe(404);
    expect(missing.json.error.code).toBe('NOT_FOUND');
    const wrongMethod = await httpRequest(`${dashboard.url}/api/query`);
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers['allow']).toBe('POST');
  });
});

describe('POST /api/query', () => {
  it('answers the QueryResult of a SELECT with parameters', async () => {
    const answer = await postQuery(dashboard.url, {
      sql: 'SELECT metric, value, site FROM telemetry WHERE thing_name = ? ORDER BY metric',
      params: ['pump-7'],
    });
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({
      columns: [
        { name: 'metric', type: 'VARCHAR' },
        { name: 'value', type: 'DOUBLE' },
        { name: 'site', type: 'VARCHAR' },
      ],
      rows: [
        { metric: 'pressure', value: 1.2, site: 'plant-a' },
        { metric: 'temperature', value: 21.5, site: 'plant-a' },
      ],
      truncated: false,
    });
  });

  it.each([
    ['a syntax error', { sql: 'SELEC 1' }, 400, 'SYNTAX_ERROR'],
    ['a write', { sql: 'DROP VIEW telemetry' }, 400, 'FORBIDDEN'],
    ['a file outside the lake', { sql: "SELECT * FROM read_csv('/etc/passwd')" }, 400, 'FORBIDDEN'],
    ['wrong parameters', { sql: 'SELECT ?', params: [] }, 400, 'BAD_PARAMETERS'],
    ['a query past the timeout', { sql: endlessSql }, 504, 'TIMEOUT'],
    ['a body without sql', { query: 'SELECT 1' }, 400, 'BAD_REQUEST'],
    ['params that are not an array', { sql: 'SELECT ?', params: 'x' }, 400, 'BAD_REQUEST'],
  ])('answers %s with its status and error code', async (_case, body, status, code) => {
    const answer = await postQuery(dashboard.url, body);
    expect(answer.status).toBe(status);
    expect(answer.json.error).toEqual({ code, message: expect.any(String) });
  });

  it('answers BUSY (503, Retry-After) while the query slots are taken', async () => {
    const running = postQuery(dashboard.url, { sql: endlessSql });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const busy = await postQuery(dashboard.url, { sql: 'SELECT 1' });
    expect(busy.status).toBe(503);
    expect(busy.headers['retry-after']).toBe('1');
    expect(busy.json.error.code).toBe('BUSY');
    expect((await running).status).toBe(504);
  });

  it('refuses a body that is not JSON (400) or not declared as JSON (415)', async () => {
    const invalid = await httpRequest(`${dashboard.url}/api/query`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"sql": ',
    });
    expect(invalid.status).toBe(400);
    expect(invalid.json.error.code).toBe('INVALID_JSON');
    const plainText = await httpRequest(`${dashboard.url}/api/query`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ sql: 'SELECT 1' }),
    });
    expect(plainText.status).toBe(415);
  });

  it('refuses a body over 64 KiB with 413', async () => {
    const answer = await postQuery(dashboard.url, { sql: `SELECT '${'x'.repeat(70 * 1024)}'` });
    expect(answer.status).toBe(413);
    expect(answer.json.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('refuses a POST from a page of another origin, and accepts one from its own page', async () => {
    const crossOrigin = await postQuery(
      dashboard.url,
      { sql: 'SELECT 1' },
      { origin: 'http://evil.example' },
    );
    expect(crossOrigin.status).toBe(403);
    expect(crossOrigin.json.error.code).toBe('CROSS_ORIGIN');
    const crossSite = await postQuery(dashboard.url, { sql: 'SELECT 1' }, { 'sec-fetch-site': 'cross-site' });
    expect(crossSite.status).toBe(403);
    const sameOrigin = await postQuery(dashboard.url, { sql: 'SELECT 1 AS one' }, { origin: dashboard.url });
    expect(sameOrigin.status).toBe(200);
  });

  it('refuses requests for another host name, as a DNS-rebinding page would send', async () => {
    const port = new URL(dashboard.url).port;
    const rebound = await postQuery(
      dashboard.url,
      { sql: 'SELECT 1' },
      { host: `evil.example:${port}`, origin: `http://evil.example:${port}` },
    );
    expect(rebound.status).toBe(403);
    expect(rebound.json.error.code).toBe('FORBIDDEN_HOST');
    const localhost = await httpRequest(`${dashboard.url}/api/status`, {
      headers: { host: `localhost:${port}` },
    });
    expect(localhost.status).toBe(200);
  });
});

describe('GET /api/live', () => {
  it('streams the recent events first, then each published event, with heartbeats', async () => {
    liveFeed.publish({ type: 'anomaly', event: anAnomaly({ event_id: 'before-connect' }) });
    const live = await openSse(`${dashboard.url}/api/live`);
    try {
      expect(live.response.headers['content-type']).toBe('text/event-stream; charset=utf-8');
      await live.waitFor((messages) => messages.some((m) => m.data.event_id === 'before-connect'));
      liveFeed.publish({ type: 'reading', reading: aReading({ thing_name: 'fan-9', value: 77 }) });
      liveFeed.publish({ type: 'quarantine', record: aQuarantineRecord({ reason: 'SCHEMA_MISMATCH' }) });
      await live.waitFor((messages) => messages.some((m) => m.event === 'quarantine'));
      expect(live.messages.slice(-2)).toEqual([
        { event: 'reading', data: aReading({ thing_name: 'fan-9', value: 77 }) },
        { event: 'quarantine', data: aQuarantineRecord({ reason: 'SCHEMA_MISMATCH' }) },
      ]);
      await new Promise((resolve) => setTimeout(resolve, 150));
      expect(live.comments).toContain('heartbeat');
    } finally {
      live.close();
    }
  });

  it('releases its subscription when the client goes away', async () => {
    const live = await openSse(`${dashboard.url}/api/live`);
    expect(liveFeed.subscriberCount).toBe(1);
    live.close();
    await expect.poll(() => liveFeed.subscriberCount).toBe(0);
  });
});

describe('closing the dashboard server', () => {
  it('ends open live streams and stops listening', async () => {
    const server = await startDashboardServer({ queryService: queries, liveFeed, status: () => ({}) });
    const live = await openSse(`${server.url}/api/live`);
    await server.close();
    await live.ended;
    expect(liveFeed.subscriberCount).toBe(0);
    await expect(httpRequest(`${server.url}/api/status`)).rejects.toThrow(/ECONNREFUSED/);
  });
});
