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

/** The text is not IoT SQL at all (a typo, an unterminated string, a malformed FROM filter). */
export class InvalidRuleSqlError extends Error {
  readonly code = 'INVALID_RULE_SQL';
  readonly position: SqlPosition;

  constructor(
    readonly reason: string,
    readonly sql: string,
    position: SqlPosition,
    readonly ruleName?: string,
  ) {
    super(describe('Invalid IoT SQL', reason, sql, position, ruleName));
    this.name = 'InvalidRuleSqlError';
    this.position = { offset: position.offset };
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
export class UnsupportedRuleSqlError extends Error {
  readonly code = 'UNSUPPORTED_RULE_SQL';
  readonly position: SqlPosition;

  constructor(
    readonly reason: string,
    readonly sql: string,
    position: SqlPosition,
    readonly ruleName?: string,
  ) {
    super(describe('IoT SQL the local rules engine does not run', reason, sql, position, ruleName));
    this.name = 'UnsupportedRuleSqlError';
    this.position = { offset: position.offset };
  }

  forRule(ruleName: string): UnsupportedRuleSqlError {
    return new UnsupportedRuleSqlError(this.reason, this.sql, this.position, ruleName);
  }
}

export type RuleSqlError = InvalidRuleSqlError | UnsupportedRuleSqlError;

export const isRuleSqlError = (error: unknown): error is RuleSqlError =>
  error instanceof InvalidRuleSqlError || error instanceof UnsupportedRuleSqlError;
