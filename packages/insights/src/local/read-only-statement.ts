// Decides whether one statement may run on the SQL endpoint: read statements only, judged by DuckDB's
// own statement type and parser rather than by matching the SQL text.
import { StatementType, type DuckDBConnection, type DuckDBPreparedStatement } from '@duckdb/node-api';
import { QueryError, quoteLiteral } from '../core/index.js';

// DESCRIBE, SHOW, SUMMARIZE and PRAGMA show_tables are SELECTs to DuckDB.
const readStatementTypes = new Set<StatementType>([StatementType.SELECT, StatementType.EXPLAIN]);

// EXPLAIN ANALYZE runs the statement it explains, so that statement must be a read too.
const explainPrefix = /^\s*EXPLAIN(\s+ANALY[SZ]E)?\s+/i;
const pragmaPrefix = /^\s*PRAGMA\s/i;

const forbidden = (kind: string) =>
  new QueryError(
    'FORBIDDEN',
    `${kind} statements are not allowed: the SQL endpoint only reads the lake. ` +
      'Use SELECT, WITH, DESCRIBE, SHOW or EXPLAIN.',
  );

/** `EXPLAIN [ANALYZE] <statement>` taken apart; `runs` for EXPLAIN ANALYZE, which runs the statement. */
export function explainedStatementOf(
  sql: string,
): { readonly statement: string; readonly runs: boolean } | undefined {
  const prefix = explainPrefix.exec(sql);
  return prefix ? { statement: sql.slice(prefix[0].length), runs: prefix[1] !== undefined } : undefined;
}

/** Refuses a prepared statement that is not a read. */
export async function assertReadStatement(
  connection: DuckDBConnection,
  sql: string,
  statementType: StatementType,
): Promise<void> {
  if (!readStatementTypes.has(statementType)) throw forbidden(StatementType[statementType] ?? 'These');
  if (statementType === StatementType.EXPLAIN && !(await explainsARead(connection, sql))) {
    throw new QueryError(
      'FORBIDDEN',
      'EXPLAIN is allowed only in front of a read statement, and must start the query: EXPLAIN SELECT …',
    );
  }
}

/**
 * For a statement that failed to prepare: a FORBIDDEN error if DuckDB's parser says it is a write
 * (`INSERT INTO telemetry` fails to bind, telemetry being a view), so the user hears "not allowed"
 * rather than a binder error; otherwise undefined and the DuckDB error stands.
 */
export async function writeRefusalFor(
  connection: DuckDBConnection,
  sql: string,
): Promise<QueryError | undefined> {
  const explained = explainPrefix.exec(sql);
  if (explained) return writeRefusalFor(connection, sql.slice(explained[0].length));
  if (pragmaPrefix.test(sql)) return undefined;
  return (await parsesAsNonSelect(connection, sql)) ? forbidden('Write and session') : undefined;
}

/** Fails closed: anything it cannot parse back to one SELECT counts as not a read. */
async function explainsARead(connection: DuckDBConnection, sql: string): Promise<boolean> {
  const prefix = explainPrefix.exec(sql);
  if (!prefix) return false;
  try {
    const explained = await connection.extractStatements(sql.slice(prefix[0].length));
    if (explained.count !== 1) return false;
    const prepared = await explained.prepare(0);
    return prepared.statementType === StatementType.SELECT;
  } catch {
    return false;
  }
}

/**
 * json_serialize_sql parses without binding and serializes SELECTs only: its "not implemented" error
 * marks a statement that parses but is not a SELECT. It takes only a constant, hence the literal; the probe
 * is itself checked to be one SELECT before it runs. https://duckdb.org/docs/stable/data/json/sql_to_and_from_json
 */
async function parsesAsNonSelect(connection: DuckDBConnection, sql: string): Promise<boolean> {
  const probe = await connection.extractStatements(
    `SELECT json_serialize_sql(${quoteLiteral(sql)}) AS parsed`,
  );
  if (probe.count !== 1) return false;
  const prepared = await probe.prepare(0);
  if (prepared.statementType !== StatementType.SELECT) return false;
  const reader = await prepared.runAndReadAll();
  const parsed = JSON.parse(String(reader.getRowObjectsJS()[0]?.['parsed'])) as {
    error: boolean;
    error_type?: string;
  };
  return parsed.error && parsed.error_type === 'not implemented';
}

/** Prepares the one statement of `sql`, refusing several statements and anything but a read. */
export async function prepareReadStatement(
  connection: DuckDBConnection,
  sql: string,
): Promise<DuckDBPreparedStatement> {
  const empty = new QueryError('SYNTAX_ERROR', 'The query is empty: write one SQL statement.');
  const statements = await connection.extractStatements(sql).catch((error: unknown) => {
    // The binding fails without a DuckDB error class when the text holds no statement (only comments or `;`).
    throw String(error).includes('Error in native callback') ? empty : error;
  });
  if (statements.count === 0) throw empty;
  if (statements.count > 1) {
    throw new QueryError(
      'FORBIDDEN',
      `The query has ${statements.count} statements: send one statement per query.`,
    );
  }
  let prepared: DuckDBPreparedStatement;
  try {
    prepared = await statements.prepare(0);
  } catch (error) {
    throw (await writeRefusalFor(connection, sql)) ?? error;
  }
  await assertReadStatement(connection, sql, prepared.statementType);
  return prepared;
}
