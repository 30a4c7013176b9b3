import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.js';

const linesOf = (log: (logger: ReturnType<typeof createLogger>) => void) => {
  const lines: Record<string, unknown>[] = [];
  log(createLogger({ service: 'test', write: (line) => lines.push(JSON.parse(line)) }));
  return lines;
};

describe('the JSON logger', () => {
  it('writes one JSON object per line with level, time, service, message, context and fields', () => {
    const [line] = linesOf((logger) =>
      logger.child({ component: 'stream' }).warn('slow', { shardId: 's-1' }),
    );
    expect(line).toMatchObject({
      level: 'warn',
      service: 'test',
      message: 'slow',
      component: 'stream',
      shardId: 's-1',
    });
    expect(Date.parse(String(line?.['timestamp']))).not.toBeNaN();
  });

  it('redacts secrets by field name, however deep, and keeps the rest', () => {
    const [line] = linesOf((logger) =>
      logger.info('provisioned', {
        thingName: 'pump-7',
        ownershipToken: 'eyJhbGciOi…',
        request: { password: 'hunter2', headers: { Authorization: 'AWS4-HMAC-SHA256 …' } },
        device: { privateKeyPem: 'x', certificateId: 'abc' },
      }),
    );
    expect(line).toMatchObject({
      thingName: 'pump-7',
      ownershipToken: '[REDACTED]',
      request: { password: '[REDACTED]', headers: { Authorization: '[REDACTED]' } },
      device: { privateKeyPem: '[REDACTED]', certificateId: 'abc' },
    });
  });

  it('redacts a PEM private key found in any string, such as an error message', () => {
    const pem = '-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIB…\n-----END EC PRIVATE KEY-----';
    const [line] = linesOf((logger) =>
      logger.error('bad key', { error: new Error(`cannot parse ${pem} here`) }),
    );
    const text = JSON.stringify(line);
    expect(text).not.toContain('MHcCAQEEIB');
    expect(text).toContain('cannot parse [REDACTED PRIVATE KEY] here');
  });
});
