// The local dashboard: its page and bundled front end, the widgets' data, the live events (SSE), read-only
// SQL and the platform's status over node:http, bound to 127.0.0.1 unless told otherwise.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { defaultDashboard, type DeviceDirectory } from '../core/index.js';
import { bundleDashboard, type DashboardAsset } from './dashboard-bundle.js';
import { dashboardPageHeaders, dashboardPageOf } from './dashboard-page.js';
import { answerExport, type LakeExports } from './export-endpoint.js';
import { HttpError, sendError, sendJson } from './http-responses.js';
import { streamLiveEvents, type LiveEventsStream } from './live-events-stream.js';
import { LiveFeedFullError, type LiveFeed } from './live-feed.js';
import { answerQuery } from './query-endpoint.js';
import type { LakeQueryService } from './query-service.js';
import { QuerySlots } from './query-slots.js';
import { assertLocalHost } from './request-guards.js';
import { answerWidget } from './widget-endpoint.js';

export interface DashboardServerOptions {
  /** The interface to listen on; another than loopback exposes the SQL endpoint to the network. @default '127.0.0.1' */
  readonly host?: string;
  /** 0 picks a free port; `url` tells which. @default 0 */
  readonly port?: number;
  readonly queryService: Pick<LakeQueryService, 'query' | 'runNamed'>;
  /** Serves POST /api/export (`tributary export` while the platform runs). @default none: no export endpoint */
  readonly lakeExports?: LakeExports;
  readonly liveFeed: LiveFeed;
  /**
   * Registrations, connections and shadows for the device list; without it the list shows what the lake
   * holds and says that connection and shadow state are unknown. @default none
   */
  readonly deviceDirectory?: DeviceDirectory;
  /** The platform's state for GET /api/status; any JSON-serializable object. */
  readonly status: () => Readonly<Record<string, unknown>>;
  /** How often an idle live stream gets a comment line. @default 15_000 */
  readonly heartbeatIntervalMs?: number;
}

export interface DashboardServer {
  /** `http://127.0.0.1:<port>`, with the port actually bound. */
  readonly url: string;
  /** Ends the live streams, closes every connection and stops listening. */
  close(): Promise<void>;
}

type Route = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export async function startDashboardServer(options: DashboardServerOptions): Promise<DashboardServer> {
  const host = options.host ?? '127.0.0.1';
  const liveStreams = new Set<LiveEventsStream>();
  const bundle = await bundleDashboard();
  const page = dashboardPageOf(defaultDashboard);
  // Two of the query service's (default four) slots, so the SQL box is never refused while widgets load.
  const widgetQuerySlots = new QuerySlots(2);
  const routes: Record<string, Partial<Record<string, Route>>> = {
    '/': { GET: (_req, res) => void res.writeHead(200, dashboardPageHeaders).end(page) },
    '/assets/app.js': { GET: (req, res) => sendAsset(req, res, bundle.script) },
    '/assets/app.css': { GET: (req, res) => sendAsset(req, res, bundle.stylesheet) },
    '/api/widget': {
      GET: (req, res) =>
        answerWidget(
          req,
          res,
          defaultDashboard,
          options.queryService,
          widgetQuerySlots,
          options.deviceDirectory,
        ),
    },
    '/api/status': { GET: (_req, res) => sendJson(res, 200, options.status()) },
    '/api/query': { POST: (req, res) => answerQuery(req, res, options.queryService) },
    ...(options.lakeExports && {
      '/api/export': { POST: (req, res) => answerExport(req, res, options.lakeExports as LakeExports) },
    }),
    '/api/live': {
      GET: (_req, res) => {
        const stream = streamLiveEvents(res, options.liveFeed, options.heartbeatIntervalMs ?? 15_000);
        liveStreams.add(stream);
        res.once('close', () => liveStreams.delete(stream));
      },
    },
  };

  const server = createServer((req, res) => {
    void route(req, res).catch((error: unknown) => answerFailure(res, error));
  });
  const route = async (req: IncomingMessage, res: ServerResponse) => {
    assertLocalHost(req, host);
    const methods = routes[new URL(req.url ?? '/', 'http://localhost').pathname];
    if (!methods) throw new HttpError(404, 'NOT_FOUND', `No such page or API: ${req.method} ${req.url}`);
    const handler = methods[req.method ?? ''];
    if (!handler) {
      const allowed = Object.keys(methods).join(', ');
      throw new HttpError(405, 'METHOD_NOT_ALLOWED', `Use ${allowed} for ${req.url}.`, { allow: allowed });
    }
    await handler(req, res);
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://${urlHostOf(host)}:${port}`,
    close: async () => {
      for (const stream of liveStreams) stream.end();
      const closed = new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
      server.closeAllConnections();
      await closed;
    },
  };
}

function sendAsset(req: IncomingMessage, res: ServerResponse, asset: DashboardAsset): void {
  const headers = {
    'content-type': asset.contentType,
    etag: asset.etag,
    'cache-control': 'no-cache',
    'x-content-type-options': 'nosniff',
  };
  if (req.headers['if-none-match'] === asset.etag) res.writeHead(304, headers).end();
  else res.writeHead(200, { ...headers, 'content-length': asset.body.byteLength }).end(asset.body);
}

function answerFailure(res: ServerResponse, error: unknown): void {
  const refusal =
    error instanceof HttpError
      ? error
      : error instanceof LiveFeedFullError
        ? new HttpError(503, error.code, error.message, { 'retry-after': '5' })
        : new HttpError(
            500,
            'INTERNAL_ERROR',
            `The dashboard server failed: ${(error as Error)?.message ?? error}`,
          );
  if (!res.headersSent) sendError(res, refusal);
  else res.destroy(error as Error);
}

/** A wildcard address is not one a browser can open; its loopback is. */
function urlHostOf(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}
