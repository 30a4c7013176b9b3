// `?` parameter values as Athena's ExecutionParameters: Athena puts each string into the SQL as written,
// so every value is rendered as a SQL literal and strings are quoted with '' doubled.
// https://docs.aws.amazon.com/athena/latest/ug/querying-with-prepared-statements.html
import { QueryError } from '../core/index.js';

export function executionParametersOf(params: readonly unknown[]): string[] {
  return params.map((value, index) => {
    if (value === null) return 'NULL';
    if (typeof value === 'string') return `'${value.replaceAll("'", "''")}'`;
    if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
    if (typeof value === 'bigint') return value.toString();
    if (typeof value === 'number' && Number.isFinite(value)) {
      // Trino reads 1.5 as a DECIMAL and 1.5E0 as a DOUBLE; both compare with a double column.
      return String(value).toUpperCase();
    }
    const what = typeof value === 'number' ? String(value) : Array.isArray(value) ? 'an array' : typeof value;
    throw new QueryError(
      'BAD_PARAMETERS',
      `Parameter ${index + 1} is ${what}: use a string, finite number, boolean or null.`,
    );
  });
}
