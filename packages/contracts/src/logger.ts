// Structured JSON logs, one object per line, shared by every stage's runtime code.
// Fields named like Powertools Logger's, so local logs and Lambda logs read the same. Secrets are
// redacted by field name (passwords, tokens, private keys, credentials) and PEM private keys by content.

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const levelOrder: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

export interface LoggerOptions {
  readonly service: string;
  readonly level?: LogLevel;
  /** Where lines go. @default process.stderr */
  readonly write?: (line: string) => void;
}

export function createLogger(options: LoggerOptions, context: Record<string, unknown> = {}): Logger {
  const threshold = levelOrder[options.level ?? 'info'];
  const write = options.write ?? ((line: string) => process.stderr.write(line + '\n'));
  const log =
    (level: LogLevel) =>
    (message: string, fields: Record<string, unknown> = {}) => {
      if (levelOrder[level] < threshold) return;
      write(
        JSON.stringify(
          {
            level,
            timestamp: new Date().toISOString(),
            service: options.service,
            message,
            ...context,
            ...fields,
          },
          errorAware,
        ),
      );
    };
  return {
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    child: (fields) => createLogger(options, { ...context, ...fields }),
  };
}

/** A logger that drops everything; for tests and library callers that do not want logs. */
export const silentLogger: Logger = createLogger({ service: 'silent', write: () => undefined });

/** Field names whose values never reach a log: credentials, tokens (ownership tokens too), private keys. */
const secretFieldPattern = /passw(or)?d|passphrase|secret|token$|private_?key|authorization|credentials?$/i;
const privateKeyPemPattern =
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g;

function errorAware(key: string, value: unknown): unknown {
  if (key !== '' && value !== null && value !== undefined && secretFieldPattern.test(key))
    return '[REDACTED]';
  if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack };
  if (typeof value === 'string' && value.includes('PRIVATE KEY-----')) {
    return value.replace(privateKeyPemPattern, '[REDACTED PRIVATE KEY]');
  }
  return typeof value === 'bigint' ? value.toString() : value;
}
