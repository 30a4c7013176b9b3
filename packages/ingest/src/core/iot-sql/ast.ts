// The shape of a parsed IoT SQL statement. Every node keeps its offset so evaluation-time messages can
// point at the SQL that produced them.

export type BinaryOperator =
  'AND' | 'OR' | '=' | '<>' | '<' | '<=' | '>' | '>=' | '+' | '-' | '*' | '/' | '%';

/** The types `cast(x AS Type)` converts to (iot-sql-functions.html#iot-sql-function-cast). */
export type CastType = 'Int' | 'Decimal' | 'Boolean' | 'String';

export type Expression =
  | { readonly kind: 'literal'; readonly value: null | boolean | number | string; readonly offset: number }
  /** `*` as a value: the whole payload (only where AWS allows it, e.g. `encode(*, 'base64')`). */
  | { readonly kind: 'payload'; readonly offset: number }
  /** A top-level payload key, `color`. */
  | { readonly kind: 'field'; readonly name: string; readonly offset: number }
  /** `a.b` */
  | { readonly kind: 'member'; readonly object: Expression; readonly name: string; readonly offset: number }
  /** `a[0]` */
  | {
      readonly kind: 'index';
      readonly object: Expression;
      readonly index: Expression;
      readonly offset: number;
    }
  | { readonly kind: 'not'; readonly operand: Expression; readonly offset: number }
  | { readonly kind: 'negate'; readonly operand: Expression; readonly offset: number }
  | {
      readonly kind: 'binary';
      readonly operator: BinaryOperator;
      readonly left: Expression;
      readonly right: Expression;
      readonly offset: number;
    }
  | {
      readonly kind: 'call';
      readonly name: string;
      readonly args: readonly Expression[];
      readonly offset: number;
    }
  | { readonly kind: 'cast'; readonly value: Expression; readonly type: CastType; readonly offset: number }
  /** The simple CASE of iot-sql-case.html: `CASE v WHEN t THEN r ... [ELSE e] END`. */
  | {
      readonly kind: 'case';
      readonly subject: Expression;
      readonly branches: readonly { readonly when: Expression; readonly then: Expression }[];
      readonly otherwise?: Expression;
      readonly offset: number;
    };

export type SelectItem =
  | { readonly kind: 'all'; readonly offset: number }
  | { readonly kind: 'named'; readonly name: string; readonly value: Expression; readonly offset: number };

export interface RuleSqlStatement {
  readonly sql: string;
  /** `SELECT VALUE expr`: the output is the value itself rather than an object (iot-sql-select.html). */
  readonly selectValue?: Expression;
  readonly select: readonly SelectItem[];
  /** The FROM topic filter; absent for a rule used only through Basic Ingest (iot-sql-from.html). */
  readonly topicFilter?: string;
  readonly where?: Expression;
}
