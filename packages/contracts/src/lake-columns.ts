// Column types for lake tables, attached to zod fields once so that DuckDB, Parquet and Glue column
// lists are derived from the contract instead of being typed out again.
import { z } from 'zod';
import { EpochMillis } from './telemetry.js';

export type LakeType = 'string' | 'double' | 'bigint' | 'boolean' | 'timestamp';

const lakeTypes = z.registry<{ lakeType: LakeType }>();

export const column = {
  string: () => z.string().register(lakeTypes, { lakeType: 'string' }),
  double: () => z.number().register(lakeTypes, { lakeType: 'double' }),
  bigint: () => z.number().int().register(lakeTypes, { lakeType: 'bigint' }),
  boolean: () => z.boolean().register(lakeTypes, { lakeType: 'boolean' }),
  /** Epoch milliseconds in messages; a TIMESTAMP (ms precision) in Parquet, DuckDB and Glue. */
  timestamp: () => EpochMillis.register(lakeTypes, { lakeType: 'timestamp' }),
  enumOf: <const T extends readonly [string, ...string[]]>(values: T) =>
    z.enum(values).register(lakeTypes, { lakeType: 'string' }),
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
