// Errors a rule's IoT SQL can raise before it ever runs. Both carry the offset where the problem is and
// quote the SQL with a caret under it, so the fix is obvious from the message alone.

/** Where in the SQL (or template) text a problem is: a 0-based character offset. */
export interface SqlPosition {
  readonly offset: number;
}

function describe(
  kind: string,
  reason: string,
  sql: string,
  position: SqlPosition,
  ruleName: string | undefined,
): string {
  const rule = ruleName === undefined ? '' : `Rule "${ruleName}": `;
  const caret = `${' '.repeat(Math.max(0, position.offset))}^`;
  return `${rule}${kind} at position ${position.offset}: ${reason}.\n  ${sql}\n  ${caret}`;
}

/** What both kinds of refusal carry: the reason, the SQL with a caret under the position, the rule's name. */
abstract class RuleSqlRefusal extends Error {
  abstract readonly code: string;
  readonly position: SqlPosition;

  constructor(
    kind: string,
    readonly reason: string,
    readonly sql: string,
    position: SqlPosition,
    readonly ruleName?: string,
  ) {
    super(describe(kind, reason, sql, position, ruleName));
    this.name = new.target.name;
    this.position = { offset: position.offset };
  }
}

/** The text is not IoT SQL at all (a typo, an unterminated string, a malformed FROM filter). */
export class InvalidRuleSqlError extends RuleSqlRefusal {
  readonly code = 'INVALID_RULE_SQL';

  constructor(reason: string, sql: string, position: SqlPosition, ruleName?: string) {
    super('Invalid IoT SQL', reason, sql, position, ruleName);
  }

  /** The same error, its message naming the rule it belongs to. */
  forRule(ruleName: string): InvalidRuleSqlError {
    return new InvalidRuleSqlError(this.reason, this.sql, this.position, ruleName);
  }
}

/**
 * The text may be valid IoT SQL on AWS, but the local rules engine does not run it: it is refused
 * rather than evaluated differently from AWS (iot-sql-reference.html).
 */
export class UnsupportedRuleSqlError extends RuleSqlRefusal {
  readonly code = 'UNSUPPORTED_RULE_SQL';

  constructor(reason: string, sql: string, position: SqlPosition, ruleName?: string) {
    super('IoT SQL the local rules engine does not run', reason, sql, position, ruleName);
  }

  /** The same error, its message naming the rule it belongs to. */
  forRule(ruleName: string): UnsupportedRuleSqlError {
    return new UnsupportedRuleSqlError(this.reason, this.sql, this.position, ruleName);
  }
}

export type RuleSqlError = InvalidRuleSqlError | UnsupportedRuleSqlError;

export const isRuleSqlError = (error: unknown): error is RuleSqlError => error instanceof RuleSqlRefusal;
