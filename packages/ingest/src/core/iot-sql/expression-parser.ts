// Parses IoT SQL expressions by recursive descent, loosest binding first: OR, AND, NOT, comparison,
// + -, * / %, unary minus, then paths (a.b, a[0]) over literals, fields, calls, cast and CASE
// (iot-sql-operators.html, iot-sql-functions.html, iot-sql-case.html).
import type { BinaryOperator, CastType, Expression } from './ast.js';
import { sqlFunctions, supportedFunctionNames } from './functions.js';
import { TokenCursor, unsupportedWords } from './token-cursor.js';
import type { Token } from './tokens.js';

const castTypes: readonly CastType[] = ['Int', 'Decimal', 'Boolean', 'String'];
const comparisonOperators = ['=', '<>', '<', '<=', '>', '>='];
/** Words that end an expression or a SELECT item rather than name a payload field. */
const reservedWords = new Set([
  'SELECT',
  'FROM',
  'WHERE',
  'AS',
  'AND',
  'OR',
  'NOT',
  'CASE',
  'WHEN',
  'THEN',
  'ELSE',
  'END',
]);

export class ExpressionParser extends TokenCursor {
  /** Parses the whole token list as one expression (a `${...}` substitution template). */
  parseStandaloneExpression(): Expression {
    const expression = this.parseExpression();
    this.expectEnd();
    return expression;
  }

  protected parseExpression(): Expression {
    return this.parseOr();
  }

  private parseOr(): Expression {
    let left = this.parseAnd();
    for (let at = this.peek(); this.acceptWord('OR'); at = this.peek()) {
      left = { kind: 'binary', operator: 'OR', left, right: this.parseAnd(), offset: at.offset };
    }
    return left;
  }

  private parseAnd(): Expression {
    let left = this.parseNot();
    for (let at = this.peek(); this.acceptWord('AND'); at = this.peek()) {
      left = { kind: 'binary', operator: 'AND', left, right: this.parseNot(), offset: at.offset };
    }
    return left;
  }

  private parseNot(): Expression {
    const at = this.peek();
    if (this.acceptWord('NOT')) return { kind: 'not', operand: this.parseNot(), offset: at.offset };
    return this.parseComparison();
  }

  private parseComparison(): Expression {
    const left = this.parseAdditive();
    const at = this.peek();
    if (at.kind === 'operator' && comparisonOperators.includes(at.text)) {
      this.advance();
      const right = this.parseAdditive();
      return { kind: 'binary', operator: at.text as BinaryOperator, left, right, offset: at.offset };
    }
    const unsupported = at.kind === 'identifier' ? unsupportedWords[at.text.toUpperCase()] : undefined;
    if (unsupported) throw this.unsupported(`${unsupported} is not supported`, at);
    return left;
  }

  private parseAdditive(): Expression {
    let left = this.parseMultiplicative();
    for (
      let at = this.peek();
      at.kind === 'operator' && (at.text === '+' || at.text === '-');
      at = this.peek()
    ) {
      this.advance();
      left = {
        kind: 'binary',
        operator: at.text,
        left,
        right: this.parseMultiplicative(),
        offset: at.offset,
      };
    }
    return left;
  }

  private parseMultiplicative(): Expression {
    let left = this.parseUnary();
    for (
      let at = this.peek();
      at.kind === 'operator' && ['*', '/', '%'].includes(at.text);
      at = this.peek()
    ) {
      this.advance();
      const operator = at.text as BinaryOperator;
      left = { kind: 'binary', operator, left, right: this.parseUnary(), offset: at.offset };
    }
    return left;
  }

  private parseUnary(): Expression {
    const at = this.peek();
    if (this.acceptOperator('-')) return { kind: 'negate', operand: this.parseUnary(), offset: at.offset };
    return this.parsePostfix(this.parsePrimary());
  }

  private parsePostfix(base: Expression): Expression {
    let expression = base;
    for (;;) {
      const at = this.peek();
      if (this.acceptOperator('.')) {
        const name = this.next();
        if (name.text === '*') throw this.unsupported('selecting a.* is not supported', name);
        if (name.kind !== 'identifier') throw this.invalid('a field name must follow "."', name);
        expression = { kind: 'member', object: expression, name: name.value, offset: at.offset };
      } else if (this.acceptOperator('[')) {
        const index = this.parseExpression();
        this.expectOperator(']');
        expression = { kind: 'index', object: expression, index, offset: at.offset };
      } else {
        return expression;
      }
    }
  }

  private parsePrimary(): Expression {
    const token = this.next();
    const offset = token.offset;
    switch (token.kind) {
      case 'number':
        return { kind: 'literal', value: Number(token.value), offset };
      case 'string':
        return { kind: 'literal', value: token.value, offset };
      case 'end':
        throw this.invalid('the SQL ends where an expression was expected', token);
      case 'operator':
        if (token.text === '(') {
          const inner = this.parseExpression();
          this.expectOperator(')');
          return inner;
        }
        if (token.text === '*') {
          throw this.unsupported(
            '* stands for the whole payload only as a SELECT item or as the argument of encode() or get()',
            token,
          );
        }
        throw this.invalid(`unexpected "${token.text}"`, token);
      case 'identifier':
        return this.parseWord(token);
    }
  }

  private parseWord(token: Token): Expression {
    const upper = token.text.toUpperCase();
    const offset = token.offset;
    if (upper === 'NULL') return { kind: 'literal', value: null, offset };
    if (upper === 'TRUE') return { kind: 'literal', value: true, offset };
    if (upper === 'FALSE') return { kind: 'literal', value: false, offset };
    if (upper === 'CASE') return this.parseCase(token);
    if (this.peek().text === '(' && this.peek().kind === 'operator') return this.parseCall(token);
    if (reservedWords.has(upper)) throw this.invalid(`unexpected ${upper}`, token);
    const unsupported = unsupportedWords[upper];
    if (unsupported) throw this.unsupported(`${unsupported} is not supported`, token);
    return { kind: 'field', name: token.value, offset };
  }

  private parseCall(nameToken: Token): Expression {
    const name = nameToken.value;
    this.expectOperator('(');
    if (name === 'cast') return this.parseCast(nameToken);
    const fn = sqlFunctions[name];
    if (fn === undefined) {
      const sameLetters = supportedFunctionNames.find((f) => f.toLowerCase() === name.toLowerCase());
      throw this.unsupported(
        sameLetters
          ? `unknown function ${name}(): IoT SQL function names are case-sensitive; did you mean ${sameLetters}()?`
          : `unknown function ${name}(); the local rules engine runs ${supportedFunctionNames.join(', ')}`,
        nameToken,
      );
    }
    const args: Expression[] = [];
    if (!this.acceptOperator(')')) {
      do args.push(this.parseArgument(fn.acceptsPayload === true && args.length === 0));
      while (this.acceptOperator(','));
      this.expectOperator(')');
    }
    if (args.length < fn.minArgs || args.length > fn.maxArgs) {
      const expected = fn.minArgs === fn.maxArgs ? `${fn.minArgs}` : `${fn.minArgs} to ${fn.maxArgs}`;
      throw this.invalid(`${name}() takes ${expected} argument(s), not ${args.length}`, nameToken);
    }
    return { kind: 'call', name, args, offset: nameToken.offset };
  }

  private parseArgument(payloadAllowed: boolean): Expression {
    const at = this.peek();
    const next = this.peek(1);
    if (
      payloadAllowed &&
      at.text === '*' &&
      at.kind === 'operator' &&
      (next.text === ',' || next.text === ')')
    ) {
      this.advance();
      return { kind: 'payload', offset: at.offset };
    }
    return this.parseExpression();
  }

  private parseCast(nameToken: Token): Expression {
    const value = this.parseExpression();
    this.expectWord('AS');
    const typeToken = this.next();
    const type = castTypes.find((t) => t.toLowerCase() === typeToken.text.toLowerCase());
    if (type === undefined) {
      throw this.unsupported(
        `cast() to "${typeToken.text}": supported types are ${castTypes.join(', ')}`,
        typeToken,
      );
    }
    this.expectOperator(')');
    return { kind: 'cast', value, type, offset: nameToken.offset };
  }

  private parseCase(caseToken: Token): Expression {
    if (this.isWord(this.peek(), 'WHEN')) {
      throw this.unsupported(
        'CASE WHEN <condition> is not supported; IoT SQL documents CASE <value> WHEN <match> THEN ... (iot-sql-case.html)',
        this.peek(),
      );
    }
    const subject = this.parseExpression();
    const branches: { when: Expression; then: Expression }[] = [];
    while (this.acceptWord('WHEN')) {
      const when = this.parseExpression();
      this.expectWord('THEN');
      branches.push({ when, then: this.parseExpression() });
    }
    if (branches.length === 0) throw this.invalid('CASE needs at least one WHEN ... THEN ...', this.peek());
    const otherwise = this.acceptWord('ELSE') ? this.parseExpression() : undefined;
    this.expectWord('END');
    return { kind: 'case', subject, branches, ...(otherwise && { otherwise }), offset: caseToken.offset };
  }
}
