// The Condition element, with IAM's semantics (reference_policies_elements_condition_operators.html,
// reference_policies_condition-logic-multiple-context-keys-or-values.html): every operator and every
// key must hold; several values for one key are ORed, and a negated operator holds when none matches.
// A key with no value fails a positive operator and satisfies a negated one; `...IfExists` makes a
// missing key pass. A value holding an unresolved policy variable matches nothing.
import { PolicyProblem } from './errors.js';
import { policyVariableNamed, resolveVariable, type PolicyVariable } from './variables.js';
import { parseTemplate, resolveTemplate, type PolicyTemplate } from './template.js';
import { arnMatches, literalText, stringLikeMatches } from './matching.js';
import type { IotAuthorizationContext } from './context.js';

type Comparison = 'equals' | 'equalsIgnoreCase' | 'like' | 'arnLike' | 'bool' | 'null';

interface OperatorMeaning {
  readonly comparison: Comparison;
  readonly negated: boolean;
}

const operators: Readonly<Record<string, OperatorMeaning>> = {
  StringEquals: { comparison: 'equals', negated: false },
  StringNotEquals: { comparison: 'equals', negated: true },
  StringEqualsIgnoreCase: { comparison: 'equalsIgnoreCase', negated: false },
  StringNotEqualsIgnoreCase: { comparison: 'equalsIgnoreCase', negated: true },
  StringLike: { comparison: 'like', negated: false },
  StringNotLike: { comparison: 'like', negated: true },
  // IAM gives ArnEquals and ArnLike the same wildcard matching.
  ArnEquals: { comparison: 'arnLike', negated: false },
  ArnLike: { comparison: 'arnLike', negated: false },
  ArnNotEquals: { comparison: 'arnLike', negated: true },
  ArnNotLike: { comparison: 'arnLike', negated: true },
  Bool: { comparison: 'bool', negated: false },
  Null: { comparison: 'null', negated: false },
};

const knownElsewhere = /^(Numeric|Date|Binary|IpAddress|NotIpAddress)/;

export interface CompiledCondition {
  readonly operatorName: string;
  readonly meaning: OperatorMeaning;
  readonly ifExists: boolean;
  readonly key: PolicyVariable;
  /** Templates for string and ARN comparisons; plain lower-cased text for Bool and Null. */
  readonly values: readonly PolicyTemplate[] | readonly string[];
}

export type ConditionValue = string | number | boolean;

export function compileConditions(
  block: Readonly<Record<string, Readonly<Record<string, ConditionValue | readonly ConditionValue[]>>>>,
): CompiledCondition[] {
  return Object.entries(block).flatMap(([operatorName, keys]) => {
    const { meaning, ifExists } = operatorNamed(operatorName);
    return Object.entries(keys).map(([keyName, raw]): CompiledCondition => {
      const texts = (Array.isArray(raw) ? raw : [raw]).map(String);
      const key = policyVariableNamed(keyName);
      if (meaning.comparison === 'bool' || meaning.comparison === 'null') {
        const bad = texts.find((t) => !/^(true|false)$/i.test(t));
        if (bad !== undefined) {
          throw new PolicyProblem(
            `${operatorName} on ${keyName} takes "true" or "false", not "${bad}"`,
            'invalid',
          );
        }
        return { operatorName, meaning, ifExists, key, values: texts.map((t) => t.toLowerCase()) };
      }
      return { operatorName, meaning, ifExists, key, values: texts.map(parseTemplate) };
    });
  });
}

function operatorNamed(name: string): { meaning: OperatorMeaning; ifExists: boolean } {
  if (/^For(All|Any)Values:/.test(name)) {
    throw new PolicyProblem(
      `${name}: multi-valued condition keys (ForAllValues/ForAnyValue, certificate .List keys) are not evaluated locally`,
      'unsupported',
    );
  }
  const ifExists = name.endsWith('IfExists') && name !== 'IfExists';
  const base = ifExists ? name.slice(0, -'IfExists'.length) : name;
  const meaning = operators[base];
  if (meaning && !(ifExists && base === 'Null')) return { meaning, ifExists };
  if (knownElsewhere.test(base)) {
    throw new PolicyProblem(
      `condition operator ${name} is not evaluated locally; supported: ${Object.keys(operators).join(', ')} (and ...IfExists)`,
      'unsupported',
    );
  }
  throw new PolicyProblem(
    `unknown condition operator "${name}"; supported: ${Object.keys(operators).join(', ')} (and ...IfExists)`,
    'invalid',
  );
}

export function conditionHolds(condition: CompiledCondition, context: IotAuthorizationContext): boolean {
  const actual = resolveVariable(condition.key, context);
  const { comparison, negated } = condition.meaning;
  if (comparison === 'null') {
    return (condition.values as readonly string[]).every((v) => (v === 'true') === (actual === undefined));
  }
  if (actual === undefined) return condition.ifExists || negated;
  if (comparison === 'bool') {
    return (condition.values as readonly string[]).includes(actual.toLowerCase());
  }
  const anyMatches = (condition.values as readonly PolicyTemplate[]).some((template) => {
    const pattern = resolveTemplate(template, context);
    if (pattern === undefined) return false;
    switch (comparison) {
      case 'equals':
        return literalText(pattern) === actual;
      case 'equalsIgnoreCase':
        return literalText(pattern).toLowerCase() === actual.toLowerCase();
      case 'like':
        return stringLikeMatches(pattern, actual);
      case 'arnLike':
        return arnMatches(pattern, actual);
    }
  });
  return negated ? !anyMatches : anyMatches;
}
