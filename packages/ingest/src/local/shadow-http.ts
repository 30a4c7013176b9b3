// The Device Shadow REST API (device-shadow-rest-api.html) as a Node request handler:
//   GET|POST|DELETE /things/<thing>/shadow[?name=<shadowName>]
//   GET /api/things/shadow/ListNamedShadowsForThing/<thing>[?nextToken&pageSize]
// Errors come back as HTTP statuses with the error document as body, and nothing is published on MQTT
// (device-shadow-error-messages.html); an accepted update or delete is also published on its topics.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '@tributary/contracts';
import type { ShadowAddress } from '../core/shadow/shadow-address.js';
import {
  acceptedMessage,
  updateAcceptedMessages,
  type ShadowMessage,
} from '../core/shadow/shadow-messages.js';
import { ShadowRejection, type ShadowRejectionCode } from '../core/shadow/shadow-rejection.js';
import type { ShadowRequests } from './shadow-service.js';

export interface ShadowHttpOptions {
  readonly logger: Logger;
  /** Publishes the MQTT messages of an accepted REST update or delete (e.g. through the broker). */
  readonly publish?: (message: ShadowMessage) => Promise<unknown>;
  /** Bodies above this are refused with 413 before they are buffered. @default 131072 (the MQTT payload limit) */
  readonly maxBodyBytes?: number;
}

export type ShadowHttpHandler = (request: IncomingMessage, response: ServerResponse) => Promise<void>;

const shadowPath = /^\/things\/([^/]+)\/shadow$/;
const listPath = /^\/api\/things\/shadow\/ListNamedShadowsForThing\/([^/]+)$/;

/** Whether a URL belongs to the shadow REST API, for servers that route several APIs. */
export function isShadowHttpPath(url: string): boolean {
  const { pathname } = new URL(url, 'http://localhost');
  return shadowPath.test(pathname) || listPath.test(pathname);
}

// The AWS SDK reads the error type from this header (restJson1), so clients get typed exceptions.
const errorTypes: Record<ShadowRejectionCode, string> = {
  400: 'InvalidRequestException',
  404: 'ResourceNotFoundException',
  409: 'ConflictException',
  413: 'RequestEntityTooLargeException',
  415: 'UnsupportedDocumentEncodingException',
  429: 'ThrottlingException',
  500: 'InternalFailureException',
};

export function createShadowHttpHandler(
  service: ShadowRequests,
  options: ShadowHttpOptions,
): ShadowHttpHandler {
  const { logger, publish } = options;
  const maxBodyBytes = options.maxBodyBytes ?? 128 * 1024;

  const publishAll = async (messages: ShadowMessage[]) => {
    for (const message of messages) await publish?.(message);
  };

  const route = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const method = request.method ?? 'GET';
    const listMatch = listPath.exec(url.pathname);
    if (listMatch && method === 'GET') {
      const outcome = await service.listNamedShadows(decodePathName(listMatch[1] ?? ''), {
        ...(url.searchParams.has('pageSize') ? { pageSize: Number(url.searchParams.get('pageSize')) } : {}),
        ...(url.searchParams.has('nextToken') ? { nextToken: url.searchParams.get('nextToken') ?? '' } : {}),
      });
      return outcome instanceof ShadowRejection
        ? sendRejection(response, outcome, service.nowSeconds())
        : sendJson(response, 200, outcome);
    }
    const shadowMatch = shadowPath.exec(url.pathname);
    if (!shadowMatch) return sendJson(response, 404, { message: `No route for ${method} ${url.pathname}` });
    const shadowName = url.searchParams.get('name');
    const address: ShadowAddress = {
      thingName: decodePathName(shadowMatch[1] ?? ''),
      ...(shadowName === null ? {} : { shadowName }),
    };
    if (method === 'GET') {
      const outcome = await service.get(address);
      return outcome instanceof ShadowRejection
        ? sendRejection(response, outcome, service.nowSeconds())
        : sendJson(response, 200, outcome);
    }
    if (method === 'DELETE') {
      const outcome = await service.delete(address);
      if (outcome instanceof ShadowRejection) return sendRejection(response, outcome, service.nowSeconds());
      await publishAll([acceptedMessage(address, 'delete', outcome.accepted)]);
      return sendJson(response, 200, outcome.accepted);
    }
    if (method === 'POST') {
      const body = await readBody(request, maxBodyBytes);
      if (body === undefined) {
        // The rest of the body is never read, so the connection cannot carry another request.
        response.setHeader('connection', 'close');
        return sendRejection(response, ShadowRejection.payloadTooLarge(), service.nowSeconds());
      }
      const outcome = await service.update(address, body);
      if (outcome instanceof ShadowRejection) return sendRejection(response, outcome, service.nowSeconds());
      await publishAll(updateAcceptedMessages(address, outcome));
      return sendJson(response, 200, outcome.accepted);
    }
    response.setHeader('allow', 'GET, POST, DELETE');
    return sendJson(response, 405, { message: `Method ${method} not allowed on ${url.pathname}` });
  };

  return async (request, response) => {
    try {
      await route(request, response);
    } catch (error) {
      logger.error('shadow REST request failed; answering 500', { url: request.url, error });
      if (!response.headersSent)
        sendRejection(response, ShadowRejection.internalFailure(), service.nowSeconds());
      else response.destroy();
    }
  };
}

/** A malformed escape stays as sent, so name validation answers 400 instead of a 500. */
function decodePathName(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** The body, or undefined once it passes the limit (the rest is not buffered). */
async function readBody(request: IncomingMessage, maxBytes: number): Promise<Buffer | undefined> {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > maxBytes) return undefined;
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    length += buffer.length;
    if (length > maxBytes) return undefined;
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

function sendRejection(response: ServerResponse, rejection: ShadowRejection, nowSeconds: number): void {
  response.setHeader('x-amzn-ErrorType', errorTypes[rejection.code]);
  sendJson(response, rejection.code, rejection.toErrorResponse(nowSeconds));
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}
