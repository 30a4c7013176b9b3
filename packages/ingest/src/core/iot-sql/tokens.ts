// Splits IoT SQL into tokens. Keywords stay identifiers here; the parser compares them case-insensitively.
import { InvalidRuleSqlError, UnsupportedRuleSqlError } from './errors.js';

export type TokenKind = 'identifier' | 'number' | 'string' | 'operator' | 'end';

export interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  /** The literal's value for strings (quotes removed); the source text otherwise. */
  readonly value: string;
  readonly offset: number;
}

const operators = ['<>', '<=', '>=', '(', ')', ',', '.', '[', ']', '*', '+', '-', '/', '%', '=', '<', '>'];
const identifierStart = /[A-Za-z_]/;
const identifierPart = /[A-Za-z0-9_]/;
const numberLiteral = /^\d+(\.\d+)?([eE][+-]?\d+)?/;

/** Operators other SQL dialects have and IoT SQL does not: refused with the IoT SQL way to say it. */
const foreignOperators: Record<string, string> = {
  '!=': 'IoT SQL writes "not equal" as <> (iot-sql-operators.html)',
  '||': 'IoT SQL concatenates with concat() or + (iot-sql-functions.html#iot-func-concat)',
  '--': 'IoT SQL has no comments (iot-sql-reference.html)',
  '/*': 'IoT SQL has no comments (iot-sql-reference.html)',
  '{': 'object literals are not supported by the local rules engine',
};

/** `offsetBase` places tokens of an embedded expression (a `${...}` template) within its whole text. */
export function tokenize(text: string, source = text, offsetBase = 0): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const char = text[i]!;
    if (/\s/.test(char)) {
      i++;
      continue;
    }
    const at = offsetBase + i;
    const pair = text.slice(i, i + 2);
    const foreign = foreignOperators[pair] ?? foreignOperators[char];
    if (foreign !== undefined) throw new UnsupportedRuleSqlError(foreign, source, { offset: at });
    if (char === "'" || char === '"') {
      const close = text.indexOf(char, i + 1);
      if (close < 0)
        throw new InvalidRuleSqlError(`unterminated string starting with ${char}`, source, { offset: at });
      tokens.push({
        kind: 'string',
        text: text.slice(i, close + 1),
        value: text.slice(i + 1, close),
        offset: at,
      });
      i = close + 1;
      continue;
    }
    const number = /\d/.test(char) ? numberLiteral.exec(text.slice(i)) : null;
    if (number) {
      tokens.push({ kind: 'number', text: number[0], value: number[0], offset: at });
      i += number[0].length;
      continue;
    }
    if (identifierStart.test(char)) {
      let end = i + 1;
      while (end < text.length && identifierPart.test(text[end]!)) end++;
      const word = text.slice(i, end);
      tokens.push({ kind: 'identifier', text: word, value: word, offset: at });
      i = end;
      continue;
    }
    const operator = operators.find((op) => text.startsWith(op, i));
    if (operator === undefined) {
      throw new InvalidRuleSqlError(`unexpected character ${JSON.stringify(char)}`, source, { offset: at });
    }
    tokens.push({ kind: 'operator', text: operator, value: operator, offset: at });
    i += operator.length;
  }
  tokens.push({ kind: 'end', text: '', value: '', offset: offsetBase + text.length });
  return tokens;
}
