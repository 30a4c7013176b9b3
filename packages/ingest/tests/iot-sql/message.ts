// A message as the rules engine hands it to IoT SQL, with fixed facts so expectations are exact.
import type { MessageContext } from '../../src/core/iot-sql/message-context.js';
import { evaluateStatement, type StatementResult } from '../../src/core/iot-sql/evaluator.js';
import { parseRuleSql } from '../../src/core/iot-sql/parser.js';

export function messageOf(
  payload: string | Buffer | object,
  overrides: Partial<MessageContext> = {},
): MessageContext {
  const bytes =
    typeof payload === 'string'
      ? Buffer.from(payload)
      : Buffer.isBuffer(payload)
        ? payload
        : Buffer.from(JSON.stringify(payload));
  let uuids = 0;
  return {
    topic: 'dt/tributary/pump-7/telemetry',
    clientId: 'pump-7',
    payload: bytes,
    timestamp: 1_700_000_000_000,
    traceId: 'trace-1',
    newUuid: () => `uuid-${++uuids}`,
    ...overrides,
  };
}

/** Runs `sql` against one message. */
export function run(
  sql: string,
  payload: string | Buffer | object,
  overrides: Partial<MessageContext> = {},
): StatementResult {
  return evaluateStatement(parseRuleSql(sql), messageOf(payload, overrides));
}

/** The SELECT output of `SELECT <select> FROM 't'` for one message; throws if WHERE did not match. */
export function select(
  selectList: string,
  payload: string | Buffer | object,
  overrides: Partial<MessageContext> = {},
): unknown {
  const result = run(`SELECT ${selectList} FROM 'dt/#'`, payload, overrides);
  if (!result.matched) throw new Error('WHERE did not match');
  return result.output;
}
