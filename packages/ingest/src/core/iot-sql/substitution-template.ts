// Substitution templates: `${expression}` inside an action field, evaluated against the message — the
// original payload and functions, not the SELECT output, so SELECT aliases are not visible
// (iot-substitution-templates.html).
import type { Expression } from './ast.js';
import { InvalidRuleSqlError } from './errors.js';
import { evaluate, payloadOf } from './evaluator.js';
import type { MessageContext } from './message-context.js';
import { parseEmbeddedExpression } from './parser.js';
import { toText } from './values.js';

export type TemplatePart = string | Expression;

export interface SubstitutionTemplate {
  readonly text: string;
  readonly parts: readonly TemplatePart[];
}

/** Parses every `${...}` in `text`; throws the SQL errors with positions within `text`. */
export function parseTemplate(text: string): SubstitutionTemplate {
  const parts: TemplatePart[] = [];
  let literalStart = 0;
  let open = text.indexOf('${');
  while (open >= 0) {
    const close = closingBrace(text, open + 2);
    if (close < 0)
      throw new InvalidRuleSqlError('unterminated ${ in substitution template', text, { offset: open });
    if (open > literalStart) parts.push(text.slice(literalStart, open));
    parts.push(parseEmbeddedExpression(text.slice(open + 2, close), text, open + 2));
    literalStart = close + 1;
    open = text.indexOf('${', literalStart);
  }
  if (literalStart < text.length) parts.push(text.slice(literalStart));
  return { text, parts };
}

/** The `}` that closes a template expression, skipping braces inside quoted strings. */
function closingBrace(text: string, from: number): number {
  let quote: string | undefined;
  for (let i = from; i < text.length; i++) {
    const char = text[i];
    if (quote) {
      if (char === quote) quote = undefined;
    } else if (char === "'" || char === '"') quote = char;
    else if (char === '}') return i;
  }
  return -1;
}

/** Renders the template for one message; an Undefined expression contributes an empty string. */
export function renderTemplate(template: SubstitutionTemplate, message: MessageContext): string {
  const { parts } = template;
  let rendered = '';
  for (const part of parts) {
    rendered += typeof part === 'string' ? part : (toText(evaluate(part, message, payloadOf(message))) ?? '');
  }
  return rendered;
}
