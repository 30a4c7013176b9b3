// `cast(value AS Type)` (iot-sql-functions.html#iot-sql-function-cast): a value that has no form in
// the target type becomes Undefined.
import type { CastType } from './ast.js';
import { PayloadValue, toBoolean, toDecimal, type SqlValue } from './values.js';

export function castValue(value: SqlValue, type: CastType): SqlValue {
  if (value === undefined || value === null || value instanceof PayloadValue) return undefined;
  switch (type) {
    case 'Int': {
      if (typeof value === 'boolean') return value ? 1 : 0;
      const n = toDecimal(value);
      // A Decimal becomes an Int by rounding down.
      return n === undefined ? undefined : Math.floor(n);
    }
    case 'Decimal':
      if (typeof value === 'boolean') return value ? 1 : 0;
      return toDecimal(value);
    case 'Boolean':
      if (typeof value === 'number') return value !== 0;
      return toBoolean(value);
    case 'String':
      if (typeof value === 'string') return value;
      return JSON.stringify(value);
  }
}
