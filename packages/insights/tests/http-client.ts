// A small node:http client for the tests: full control over Host, Origin and bodies, and a Server-Sent
// Events reader that collects what the server streams.
import { request, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';

export interface HttpAnswer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
  /** The body parsed as JSON (throws if it is not). */
  readonly json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export function httpRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: options.method ?? 'GET', headers: options.headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text,
            get json() {
              return JSON.parse(text);
            },
          });
        });
      },
    );
    // The server may answer (413) and close before it has read the whole body.
    req.on('error', (error: NodeJS.ErrnoException) => (error.code === 'EPIPE' ? undefined : reject(error)));
    req.end(options.body);
  });
}

/** POSTs `{sql, params}` to /api/query as the dashboard page does. */
export const postQuery = (baseUrl: string, body: unknown, headers: Record<string, string> = {}) =>
  httpRequest(`${baseUrl}/api/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

export interface SseMessage {
  readonly event: string;
  readonly data: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface SseClient {
  readonly messages: SseMessage[];
  /** Comment lines (`: heartbeat`) received so far. */
  readonly comments: string[];
  readonly response: IncomingMessage;
  /** Resolves when the stream has ended (server side). */
  readonly ended: Promise<void>;
  waitFor(predicate: (messages: SseMessage[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): void;
}

export function openSse(url: string): Promise<SseClient> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { accept: 'text/event-stream' } }, (response) => {
      const messages: SseMessage[] = [];
      const comments: string[] = [];
      let buffer = '';
      const waiters = new Set<() => void>();
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) !== -1) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const lines = block.split('\n');
          comments.push(...lines.filter((l) => l.startsWith(':')).map((l) => l.slice(1).trim()));
          const event = lines.find((l) => l.startsWith('event: '))?.slice(7);
          const data = lines.find((l) => l.startsWith('data: '))?.slice(6);
          if (event && data) messages.push({ event, data: JSON.parse(data) });
        }
        for (const wake of waiters) wake();
      });
      const ended = new Promise<void>((resolveEnded) => {
        response.once('end', resolveEnded);
        response.once('close', resolveEnded);
      });
      resolve({
        messages,
        comments,
        response,
        ended,
        waitFor: (predicate, timeoutMs = 5_000) =>
          new Promise<void>((resolveWait, rejectWait) => {
            const check = () => {
              if (!predicate(messages)) return;
              clearTimeout(timer);
              waiters.delete(check);
              resolveWait();
            };
            const timer = setTimeout(() => {
              waiters.delete(check);
              rejectWait(
                new Error(`No matching event within ${timeoutMs} ms; got ${JSON.stringify(messages)}`),
              );
            }, timeoutMs);
            waiters.add(check);
            check();
          }),
        close: () => req.destroy(),
      });
    });
    req.on('error', reject);
    req.end();
  });
}
