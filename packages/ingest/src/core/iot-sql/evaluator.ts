// Evaluates a parsed IoT SQL statement against one message with AWS's semantics: a missing field is
// Undefined (not null), Undefined propagates through operators, a SELECT key whose value is Undefined
// is left out, and a WHERE that is not true — Undefined included — runs no action
// (iot-sql-data-types.html, iot-sql-operators.html, iot-sql-where.html).
import type { BinaryOperator, Expression, RuleSqlStatement } from './ast.js';
import { castValue } from './cast.js';
import { sqlFunctions } from './functions.js';
import type { MessageContext } from './message-context.js';
import {
  PayloadValue,
  isInt,
  isObject,
  sqlEquals,
  toBoolean,
  toDecimal,
  toText,
  type JsonValue,
  type SqlValue,
} from './values.js';

/**
 * What the SELECT produced: a JSON value, or the raw payload bytes for `SELECT *` on a payload that is
 * not JSON (binary-payloads.html).
 */
export type RuleOutput = JsonValue | Buffer;

export type StatementResult =
  | { readonly matched: false }
  /** `output` is undefined when `SELECT VALUE` evaluated to Undefined. */
  | { readonly matched: true; readonly output: RuleOutput | undefined };

/** A statement that cannot produce output for this payload, e.g. `SELECT *, x` on binary data. */
export class RuleEvaluationError extends Error {
  readonly code = 'RULE_EVALUATION_FAILED';
  constructor(message: string) {
    super(message);
    this.name = 'RuleEvaluationError';
  }
}

const payloads = new WeakMap<MessageContext, PayloadValue>();

/** The payload as IoT SQL sees it: parsed at most once per message, and only if an expression reads it. */
export function payloadOf(message: MessageContext): PayloadValue {
  if (message.payloadValue) return message.payloadValue;
  let payload = payloads.get(message);
  if (!payload) payloads.set(message, (payload = new PayloadValue(message.payload)));
  return payload;
}

export function evaluateStatement(statement: RuleSqlStatement, message: MessageContext): StatementResult {
  const payload = payloadOf(message);
  if (statement.where && toBoolean(evaluate(statement.where, message, payload)) !== true)
    return { matched: false };
  if (statement.selectValue) {
    const value = evaluate(statement.selectValue, message, payload);
    return { matched: true, output: value instanceof PayloadValue ? undefined : value };
  }
  return { matched: true, output: selectOutput(statement, message, payload) };
}

function selectOutput(
  statement: RuleSqlStatement,
  message: MessageContext,
  payload: PayloadValue,
): RuleOutput {
  const onlyAll = statement.select.length === 1 && statement.select[0]?.kind === 'all';
  if (onlyAll) return payload.json === undefined ? payload.bytes : payload.json;
  const output: { [key: string]: JsonValue } = {};
  for (const item of statement.select) {
    if (item.kind === 'all') {
      if (isObject(payload.json)) Object.assign(output, payload.json);
      else if (payload.bytes.length > 0) {
        // Only an empty or JSON-object payload can have fields added to it (binary-payloads.html).
        throw new RuleEvaluationError(
          "SELECT * with other items needs a JSON object payload; use SELECT * alone or encode(*, 'base64')",
        );
      }
      continue;
    }
    const value = evaluate(item.value, message, payload);
    if (value !== undefined && !(value instanceof PayloadValue)) output[item.name] = value;
  }
  return output;
}

/** Evaluates one expression; `undefined` is IoT SQL's Undefined. */
export function evaluate(expression: Expression, message: MessageContext, payload: PayloadValue): SqlValue {
  switch (expression.kind) {
    case 'literal':
      return expression.value;
    case 'payload':
      return payload;
    case 'field':
      return isObject(payload.json) && Object.hasOwn(payload.json, expression.name)
        ? payload.json[expression.name]
        : undefined;
    case 'member': {
      const object = evaluate(expression.object, message, payload);
      return isObject(object) && Object.hasOwn(object, expression.name) ? object[expression.name] : undefined;
    }
    case 'index': {
      const array = evaluate(expression.object, message, payload);
      const index = evaluate(expression.index, message, payload);
      return Array.isArray(array) && isInt(index) && index >= 0 ? array[index] : undefined;
    }
    case 'not': {
      const operand = toBoolean(evaluate(expression.operand, message, payload));
      return operand === undefined ? undefined : !operand;
    }
    case 'negate': {
      const operand = toDecimal(evaluate(expression.operand, message, payload));
      return operand === undefined ? undefined : -operand;
    }
    case 'binary':
      return applyBinary(
        expression.operator,
        evaluate(expression.left, message, payload),
        evaluate(expression.right, message, payload),
      );
    case 'call':
      return sqlFunctions[expression.name]!.call(
        expression.args.map((argument) => evaluate(argument, message, payload)),
        message,
      );
    case 'cast':
      return castValue(evaluate(expression.value, message, payload), expression.type);
    case 'case': {
      const subject = evaluate(expression.subject, message, payload);
      const branch = expression.branches.find(
        (b) => sqlEquals(subject, evaluate(b.when, message, payload)) === true,
      );
      if (branch) return evaluate(branch.then, message, payload);
      return expression.otherwise ? evaluate(expression.otherwise, message, payload) : undefined;
    }
  }
}

/** The operator tables of iot-sql-operators.html. */
function applyBinary(operator: BinaryOperator, left: SqlValue, right: SqlValue): SqlValue {
  switch (operator) {
    case 'AND':
    case 'OR': {
      const l = toBoolean(left);
      const r = toBoolean(right);
      if (l === undefined || r === undefined) return undefined;
      return operator === 'AND' ? l && r : l || r;
    }
    case '=':
      return sqlEquals(left, right);
    case '<>': {
      const equal = sqlEquals(left, right);
      return equal === undefined ? undefined : !equal;
    }
    case '<':
    case '<=':
    case '>':
    case '>=':
      return compare(operator, toDecimal(left), toDecimal(right));
    case '+':
      if (typeof left === 'string' || typeof right === 'string') {
        const l = toText(left);
        const r = toText(right);
        return l === undefined || r === undefined ? undefined : l + r;
      }
      return typeof left === 'number' && typeof right === 'number' ? left + right : undefined;
    case '-':
    case '*':
    case '/':
    case '%':
      return arithmetic(operator, left, right);
  }
}

function compare(operator: '<' | '<=' | '>' | '>=', l: number | undefined, r: number | undefined): SqlValue {
  if (l === undefined || r === undefined) return undefined;
  if (operator === '<') return l < r;
  if (operator === '<=') return l <= r;
  if (operator === '>') return l > r;
  return l >= r;
}

function arithmetic(operator: '-' | '*' | '/' | '%', left: SqlValue, right: SqlValue): SqlValue {
  const l = toDecimal(left);
  const r = toDecimal(right);
  if (l === undefined || r === undefined) return undefined;
  if ((operator === '/' || operator === '%') && r === 0) return undefined;
  let result: number;
  if (operator === '-') result = l - r;
  else if (operator === '*') result = l * r;
  else if (operator === '%') result = l % r;
  // Int / Int is an Int (iot-sql-operators.html, / operator).
  else result = isInt(l) && isInt(r) ? Math.trunc(l / r) : l / r;
  return Number.isFinite(result) ? result : undefined;
}
