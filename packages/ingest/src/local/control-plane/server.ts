// The local IoT control plane: an HTTP endpoint speaking IoT's REST-JSON protocol, so
// `new IoTClient({ endpoint: url })` from @aws-sdk/client-iot works against the local registry unchanged.
// It does NOT verify SigV4: any signature (or none) is accepted, so it must listen on loopback only.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '@tributary/contracts';
import type { LocalRegistry } from '../registry/index.js';
import { ControlPlaneError, wireErrorOf } from './aws-errors.js';
import { eventConfigurationRoutes } from './event-configuration-routes.js';
import { routeMatcher, type ControlPlaneRoute } from './route-table.js';
import { thingGroupRoutes } from './thing-group-routes.js';
import { thingRoutes } from './thing-routes.js';
import { thingTypeRoutes } from './thing-type-routes.js';
import { toWire } from './wire-format.js';

export interface ControlPlaneOptions {
  readonly registry: LocalRegistry;
  readonly logger: Logger;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** 0 picks a free port. @default 0 */
  readonly port?: number;
  /** Operations beyond the registry's (certificates, policies), served from the same endpoint. */
  readonly additionalRoutes?: readonly ControlPlaneRoute[];
  /**
   * Requests for the IoT data plane (the Device Shadow REST API) served from the same endpoint, so one URL
   * serves both `IoTClient` and `IoTDataPlaneClient`.
   */
  readonly dataPlane?: {
    matches(url: string): boolean;
    handle(request: IncomingMessage, response: ServerResponse): Promise<void>;
  };
}

export interface ControlPlane {
  /** The endpoint to give IoTClient, e.g. `http://127.0.0.1:43121`. */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Request bodies of the registry operations are small; anything bigger is refused unread. */
const maxBodyBytes = 1024 * 1024;

/** The route table of the registry operations; the control plane serves these plus any additional routes. */
export const registryRoutes = (registry: LocalRegistry): ControlPlaneRoute[] => [
  ...thingRoutes(registry),
  ...thingTypeRoutes(registry),
  ...thingGroupRoutes(registry),
  ...eventConfigurationRoutes(registry),
];

export async function startControlPlane(options: ControlPlaneOptions): Promise<ControlPlane> {
  const routes = [...registryRoutes(options.registry), ...(options.additionalRoutes ?? [])];
  const match = routeMatcher(routes);
  const log = options.logger.child({ component: 'control-plane' });

  const { dataPlane } = options;
  const server = createServer((request, response) => {
    if (!dataPlane?.matches(request.url ?? '/')) return void serve(request, response, match, log);
    dataPlane.handle(request, response).catch((error: unknown) => {
      log.error('data plane request failed', { url: request.url, error: String(error) });
      if (!response.headersSent) response.writeHead(500, { 'x-amzn-errortype': 'InternalFailureException' });
      response.end();
    });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  log.info('IoT control plane listening (SigV4 signatures are not verified)', {
    url,
    operations: routes.length,
  });

  return {
    url,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // SDK clients keep connections alive; without this close() would wait for them to time out.
        server.closeAllConnections();
      }),
  };
}

async function serve(
  request: IncomingMessage,
  response: ServerResponse,
  match: ReturnType<typeof routeMatcher>,
  log: Logger,
): Promise<void> {
  const requestId = crypto.randomUUID();
  const started = Date.now();
  const url = new URL(request.url ?? '/', 'http://control-plane');
  const found = match(request.method ?? 'GET', url.pathname);
  const operation = found?.route.operation ?? 'Unknown';
  try {
    if (!found) {
      throw new ControlPlaneError(
        404,
        'UnknownOperationException',
        `The local IoT control plane has no operation for ${request.method} ${url.pathname}: see the route table in ingest's control-plane/`,
      );
    }
    const body = await readJsonBody(request);
    const headers = Object.fromEntries(
      Object.entries(request.headers).map(([name, value]) => [name, Array.isArray(value) ? value[0] : value]),
    );
    const result = await found.route.handle({ labels: found.labels, query: url.searchParams, body, headers });
    const payload = result === undefined ? '' : JSON.stringify(toWire(result));
    response.writeHead(200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(payload),
      'x-amzn-requestid': requestId,
    });
    response.end(payload);
    log.debug('control plane request', { operation, status: 200, requestId, ms: Date.now() - started });
  } catch (error) {
    const wire = wireErrorOf(error);
    const payload = JSON.stringify({ __type: wire.type, ...wire.body });
    response.writeHead(wire.status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(payload),
      'x-amzn-errortype': wire.type,
      'x-amzn-requestid': requestId,
    });
    response.end(payload);
    const fields = {
      operation,
      status: wire.status,
      errorType: wire.type,
      requestId,
      message: wire.body['message'],
    };
    if (wire.status >= 500) log.error('control plane request failed', { ...fields, error: String(error) });
    else log.debug('control plane request refused', fields);
  }
}

async function readJsonBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > maxBodyBytes) {
      throw new ControlPlaneError(
        413,
        'InvalidRequestException',
        `Request body over ${maxBodyBytes} bytes: send less`,
      );
    }
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ControlPlaneError(
      400,
      'SerializationException',
      'Request body is not valid JSON: send a JSON object',
    );
  }
}
