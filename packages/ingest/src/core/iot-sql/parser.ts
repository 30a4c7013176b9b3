// Parses a rule's IoT SQL statement — SELECT [VALUE] ... [FROM 'filter'] [WHERE ...] — for the local
// rules engine (iot-sql-reference.html, SQL version 2016-03-23). Anything outside the subset it runs is
// refused with its position, never guessed at.
import type { Expression, RuleSqlStatement, SelectItem } from './ast.js';
import { InvalidRuleSqlError } from './errors.js';
import { ExpressionParser } from './expression-parser.js';
import { tokenize, type Token } from './tokens.js';

/** The only `awsIotSqlVersion` the local rules engine implements. */
export const iotSqlVersion = '2016-03-23';

class StatementParser extends ExpressionParser {
  parseStatement(): RuleSqlStatement {
    this.expectWord('SELECT');
    const selectValue = this.acceptSelectValue() ? this.parseExpression() : undefined;
    const select = selectValue ? [] : this.parseSelectList();
    let topicFilter: string | undefined;
    if (this.acceptWord('FROM')) {
      const filter = this.next();
      if (filter.kind !== 'string')
        throw this.invalid("FROM takes a topic filter in quotes, e.g. FROM 'a/+/b'", filter);
      validateTopicFilter(filter, this.source);
      topicFilter = filter.value;
    }
    const where = this.acceptWord('WHERE') ? this.parseExpression() : undefined;
    this.expectEnd();
    return {
      sql: this.source,
      select,
      ...(selectValue && { selectValue }),
      ...(topicFilter !== undefined && { topicFilter }),
      ...(where && { where }),
    };
  }

  private acceptSelectValue(): boolean {
    if (!this.isWord(this.peek(), 'VALUE')) return false;
    const after = this.peek(1);
    // `SELECT value FROM ...` and `SELECT value AS v` select a field named "value".
    if (after.kind === 'end' || after.text === ',' || this.isWord(after, 'FROM') || this.isWord(after, 'AS'))
      return false;
    this.advance();
    return true;
  }

  private parseSelectList(): SelectItem[] {
    const items: SelectItem[] = [this.parseSelectItem()];
    while (this.acceptOperator(',')) items.push(this.parseSelectItem());
    return items;
  }

  private parseSelectItem(): SelectItem {
    const start = this.peek();
    if (start.text === '*' && start.kind === 'operator') {
      this.advance();
      return { kind: 'all', offset: start.offset };
    }
    const value = this.parseExpression();
    if (this.acceptWord('AS')) {
      const alias = this.next();
      if (alias.kind !== 'identifier' && alias.kind !== 'string')
        throw this.invalid('AS needs a name', alias);
      return { kind: 'named', name: alias.value, value, offset: start.offset };
    }
    const implicitName = value.kind === 'field' || value.kind === 'member' ? value.name : undefined;
    if (implicitName === undefined) {
      throw this.unsupported(
        'name this expression with AS (the local engine does not guess the key AWS would give it)',
        start,
      );
    }
    return { kind: 'named', name: implicitName, value, offset: start.offset };
  }
}

/** `+` and `#` must fill a whole level, and `#` must be last (iot-sql-from.html, topics.html). */
function validateTopicFilter(token: Token, source: string): void {
  const filter = token.value;
  const levels = filter.split('/');
  const bad =
    filter.length === 0 ||
    levels.some(
      (level, i) =>
        (level.includes('#') && (level !== '#' || i !== levels.length - 1)) ||
        (level.includes('+') && level !== '+'),
    );
  if (bad) {
    throw new InvalidRuleSqlError(`"${filter}" is not an MQTT topic filter`, source, {
      offset: token.offset + 1,
    });
  }
}

/** Parses a rule's SQL; throws `InvalidRuleSqlError` or `UnsupportedRuleSqlError` with the position. */
export function parseRuleSql(sql: string): RuleSqlStatement {
  return new StatementParser(tokenize(sql), sql).parseStatement();
}

/**
 * Parses one expression embedded in a larger text (a `${...}` substitution template); offsets and
 * error messages refer to `source`.
 */
export function parseEmbeddedExpression(expression: string, source: string, offset: number): Expression {
  return new ExpressionParser(tokenize(expression, source, offset), source).parseStandaloneExpression();
}
