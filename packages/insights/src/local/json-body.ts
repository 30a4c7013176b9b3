// Reads a request's JSON body with a size limit, so one request cannot hold unbounded memory.
import type { IncomingMessage } from 'node:http';
import { HttpError } from './http-responses.js';

export async function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  const mediaType = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (mediaType !== 'application/json') {
    throw new HttpError(
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      'Send the request body as JSON (content-type: application/json).',
    );
  }
  const tooLarge = new HttpError(413, 'PAYLOAD_TOO_LARGE', `The request body is over ${maxBytes} bytes.`, {
    // The rest of the body is not read, so the connection cannot carry another request.
    connection: 'close',
  });
  if (Number(req.headers['content-length'] ?? 0) > maxBytes) throw tooLarge;
  const chunks: Buffer[] = [];
  let received = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    received += chunk.length;
    if (received > maxBytes) throw tooLarge;
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch (error) {
    throw new HttpError(
      400,
      'INVALID_JSON',
      `The request body is not valid JSON: ${(error as Error).message}`,
    );
  }
}
