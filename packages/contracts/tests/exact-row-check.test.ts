// exactRowCheckOf is what the lake writer checks each row with instead of zod: for every lake table it must
// accept exactly the rows zod accepts unchanged, whatever value a column is given.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { allLakeTables, exactRowCheckOf, lakeColumnsOf, type AnyLakeTableName } from '../src/index.js';
import { aQuarantineRecord, aReading, anAnomaly } from '../src/testing/index.js';

const candidateValues: readonly unknown[] = [
  null,
  undefined,
  '',
  'x',
  0,
  -0,
  1.5,
  -1,
  2 ** 53,
  1_764_000_000_000,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  true,
  {},
  [],
  10n,
];

/** A valid row of `table`, built from its columns: the first option of an enum, a plain value otherwise. */
function validRowOf(table: AnyLakeTableName): Record<string, unknown> {
  const schema = allLakeTables[table].row;
  const plain = { string: 'x', double: 1.5, bigint: 3, boolean: true, timestamp: 1_764_000_000_000 };
  return Object.fromEntries(
    lakeColumnsOf(schema).map(({ name, type }) => {
      const field = schema.shape[name as keyof typeof schema.shape] as z.ZodType;
      const inner = field instanceof z.ZodNullable ? (field.unwrap() as z.ZodType) : field;
      return [name, inner instanceof z.ZodEnum ? inner.options[0] : plain[type]];
    }),
  );
}

describe('exactRowCheckOf', () => {
  for (const table of Object.keys(allLakeTables) as AnyLakeTableName[]) {
    it(`agrees with zod on every ${table} column given every kind of value`, () => {
      const schema = allLakeTables[table].row;
      const isExactRow = exactRowCheckOf(schema);
      const valid = validRowOf(table);
      expect(isExactRow(valid)).toBe(true);
      for (const name of Object.keys(valid)) {
        for (const value of [...candidateValues, `not-an-option-${name}`]) {
          const row = { ...valid, [name]: value };
          const parsed = schema.safeParse(row);
          // Same fields, so a success returns the row unchanged, and the check must say so.
          expect({ name, value, accepted: isExactRow(row) }).toEqual({
            name,
            value,
            accepted: parsed.success && Object.keys(parsed.data).length === Object.keys(row).length,
          });
        }
      }
    });
  }

  it('refuses what zod would change or refuse: an unknown field, a missing one, a non-plain object', () => {
    const isReading = exactRowCheckOf(allLakeTables.telemetry.row);
    const { site: _site, ...withoutSite } = aReading();
    expect(isReading(aReading())).toBe(true);
    expect(isReading({ ...aReading(), extra: 1 })).toBe(false);
    expect(isReading(withoutSite)).toBe(false);
    expect(isReading(Object.assign(Object.create({ inherited: 1 }), aReading()))).toBe(false);
    expect(isReading(null)).toBe(false);
    expect(exactRowCheckOf(allLakeTables.anomalies.row)(anAnomaly())).toBe(true);
    expect(exactRowCheckOf(allLakeTables.quarantine.row)(aQuarantineRecord())).toBe(true);
  });
});
