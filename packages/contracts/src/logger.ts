// Structured JSON logs, one object per line, shared by every stage's runtime code.
// Fields named like Powertools Logger's, so local logs and Lambda logs read the same.

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

function errorAware(_key: string, value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack };
  return typeof value === 'bigint' ? value.toString() : value;
}
