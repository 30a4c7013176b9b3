// A cursor over IoT SQL tokens: the look-ahead and expect helpers both parsers share.
import { InvalidRuleSqlError, UnsupportedRuleSqlError } from './errors.js';
import type { Token } from './tokens.js';

/** IoT SQL syntax the local engine recognises but does not run. */
export const unsupportedWords: Record<string, string> = {
  IN: 'the IN operator',
  LIKE: 'the LIKE operator',
  IS: 'IS (use isNull() or isUndefined())',
  BETWEEN: 'BETWEEN',
  CONTAINS: 'CONTAINS',
  SET: 'SET variables',
  ORDER: 'ORDER BY',
  LIMIT: 'LIMIT',
};

export class TokenCursor {
  private index = 0;

  constructor(
    private readonly tokens: readonly Token[],
    protected readonly source: string,
  ) {}

  protected advance(): void {
    this.index++;
  }

  protected peek(ahead = 0): Token {
    return this.tokens[Math.min(this.index + ahead, this.tokens.length - 1)]!;
  }

  protected next(): Token {
    const token = this.peek();
    if (token.kind !== 'end') this.index++;
    return token;
  }

  protected isWord(token: Token, word: string): boolean {
    return token.kind === 'identifier' && token.text.toUpperCase() === word;
  }

  protected acceptWord(word: string): boolean {
    if (!this.isWord(this.peek(), word)) return false;
    this.index++;
    return true;
  }

  protected expectWord(word: string): void {
    if (!this.acceptWord(word)) throw this.invalid(`expected ${word}`, this.peek());
  }

  protected acceptOperator(operator: string): boolean {
    const token = this.peek();
    if (token.kind !== 'operator' || token.text !== operator) return false;
    this.index++;
    return true;
  }

  protected expectOperator(operator: string): void {
    if (!this.acceptOperator(operator)) throw this.invalid(`expected "${operator}"`, this.peek());
  }

  protected expectEnd(): void {
    const token = this.peek();
    if (token.kind === 'end') return;
    const unsupported = token.kind === 'identifier' ? unsupportedWords[token.text.toUpperCase()] : undefined;
    if (unsupported) throw new UnsupportedRuleSqlError(`${unsupported} is not supported`, this.source, token);
    throw this.invalid(`unexpected "${token.text}"`, token);
  }

  protected invalid(reason: string, token: Token): InvalidRuleSqlError {
    return new InvalidRuleSqlError(reason, this.source, { offset: token.offset });
  }
  protected unsupported(reason: string, token: Token): UnsupportedRuleSqlError {
    return new UnsupportedRuleSqlError(reason, this.source, { offset: token.offset });
  }
}
