// Column types for lake tables, attached to zod fields once so that DuckDB, Parquet and Glue column
// lists are derived from the contract instead of being typed out again.
import { z } from 'zod';
import { EpochMillis } from './telemetry.js';

export type LakeType = 'string' | 'double' | 'bigint' | 'boolean' | 'timestamp';

/**
 * Each column's lake type, and what its zod schema accepts as a plain predicate. A schema refined after
 * `column.<type>()` is a new schema with no entry here, which lakeColumnsOf refuses: so the predicate is
 * always exactly the schema's rule.
 */
const lakeTypes = z.registry<{ lakeType: LakeType; accepts: (value: unknown) => boolean }>();

// zod 4's number() refuses NaN and ±Infinity, and int() accepts only safe integers.
const isString = (value: unknown) => typeof value === 'string';
const isFiniteNumber = (value: unknown) => typeof value === 'number' && Number.isFinite(value);
const isBoolean = (value: unknown) => typeof value === 'boolean';
const isEpochMillis = (value: unknown) => Number.isSafeInteger(value) && (value as number) >= 0;

export const column = {
  string: () => z.string().register(lakeTypes, { lakeType: 'string', accepts: isString }),
  double: () => z.number().register(lakeTypes, { lakeType: 'double', accepts: isFiniteNumber }),
  bigint: () => z.number().int().register(lakeTypes, { lakeType: 'bigint', accepts: Number.isSafeInteger }),
  boolean: () => z.boolean().register(lakeTypes, { lakeType: 'boolean', accepts: isBoolean }),
  /** Epoch milliseconds in messages; a TIMESTAMP (ms precision) in Parquet, DuckDB and Glue. */
  timestamp: () => EpochMillis.register(lakeTypes, { lakeType: 'timestamp', accepts: isEpochMillis }),
  enumOf: <const T extends readonly [string, ...string[]]>(values: T) => {
    const allowed = new Set<unknown>(values);
    return z.enum(values).register(lakeTypes, { lakeType: 'string', accepts: (v) => allowed.has(v) });
  },
};

export interface LakeColumn {
  readonly name: string;
  readonly type: LakeType;
  readonly nullable: boolean;
}

/** The columns of a lake row schema, in declaration order. */
export function lakeColumnsOf(schema: z.ZodObject): LakeColumn[] {
  return Object.entries(schema.shape).map(([name, field]) => {
    const nullable = field instanceof z.ZodNullable;
    const inner = nullable ? (field as z.ZodNullable).unwrap() : field;
    const meta = lakeTypes.get(inner as z.ZodType);
    if (!meta) throw new Error(`Lake column "${name}" has no lake type: declare it with column.<type>()`);
    return { name, type: meta.lakeType, nullable };
  });
}

/**
 * True exactly when `schema.safeParse(row)` would succeed and return the row unchanged: a plain object with
 * the schema's fields and no others. About ten times cheaper than zod, and it copies nothing; a row it
 * refuses may still parse (zod strips fields it does not know), so parse those with zod.
 */
export function exactRowCheckOf(schema: z.ZodObject): (row: unknown) => boolean {
  const fields = Object.entries(schema.shape).map(([name, field]) => {
    const nullable = field instanceof z.ZodNullable;
    const meta = lakeTypes.get((nullable ? (field as z.ZodNullable).unwrap() : field) as z.ZodType);
    if (!meta) throw new Error(`Lake column "${name}" has no lake type: declare it with column.<type>()`);
    return { name, nullable, accepts: meta.accepts };
  });
  return (row) => {
    if (typeof row !== 'object' || row === null || Object.getPrototypeOf(row) !== Object.prototype) {
      return false;
    }
    const record = row as Record<string, unknown>;
    if (Object.keys(record).length !== fields.length) return false;
    for (const { name, nullable, accepts } of fields) {
      const value = record[name];
      if (value === null ? !nullable : !accepts(value)) return false;
    }
    return true;
  };
}

const glueTypes: Record<LakeType, string> = {
  string: 'string',
  double: 'double',
  bigint: 'bigint',
  boolean: 'boolean',
  timestamp: 'timestamp',
};

const duckdbTypes: Record<LakeType, string> = {
  string: 'VARCHAR',
  double: 'DOUBLE',
  bigint: 'BIGINT',
  boolean: 'BOOLEAN',
  timestamp: 'TIMESTAMP_MS',
};

export const glueTypeOf = (type: LakeType): string => glueTypes[type];
export const duckdbTypeOf = (type: LakeType): string => duckdbTypes[type];
