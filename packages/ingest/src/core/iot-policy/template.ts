// A policy string (a Resource ARN or a condition value) split into literal text, the policy wildcards
// `*` and `?`, and policy variables. MQTT's `+` and `#` are plain text here: AWS IoT reads them literally
// (iot-policy-variables.html, pub-sub-policy.html). `$(*)`, `$(?)` and `$($)` — spelt `${*}`, `${?}`,
// `${$}` on the IAM page the IoT page points to — stand for the literal characters.
import { PolicyProblem } from './errors.js';
import { policyVariableNamed, resolveVariable, type PolicyVariable } from './variables.js';
import type { IotAuthorizationContext } from './context.js';

export type PatternPart =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'anyChars' }
  | { readonly kind: 'oneChar' };

export type TemplatePart = PatternPart | { readonly kind: 'variable'; readonly variable: PolicyVariable };
export type PolicyTemplate = readonly TemplatePart[];

const escapes: Readonly<Record<string, string>> = {
  '$(*)': '*',
  '$(?)': '?',
  '$($)': '$',
  '${*}': '*',
  '${?}': '?',
  '${$}': '$',
};

export function parseTemplate(source: string): PolicyTemplate {
  const parts: TemplatePart[] = [];
  const text = (value: string) => {
    const last = parts.at(-1);
    if (last?.kind === 'text') parts[parts.length - 1] = { kind: 'text', text: last.text + value };
    else parts.push({ kind: 'text', text: value });
  };
  let i = 0;
  while (i < source.length) {
    const escaped = escapes[source.slice(i, i + 4)];
    if (escaped !== undefined) {
      text(escaped);
      i += 4;
    } else if (source.startsWith('${', i)) {
      const end = source.indexOf('}', i);
      if (end < 0)
        throw new PolicyProblem(
          `"${source}" opens a policy variable with \${ but never closes it with }`,
          'invalid',
        );
      const name = source.slice(i + 2, end);
      if (name.includes(',')) {
        throw new PolicyProblem(
          `"\${${name}}": policy variable default values are not evaluated locally`,
          'unsupported',
        );
      }
      parts.push({ kind: 'variable', variable: policyVariableNamed(name.trim()) });
      i = end + 1;
    } else if (source[i] === '*' || source[i] === '?') {
      parts.push({ kind: source[i] === '*' ? 'anyChars' : 'oneChar' });
      i += 1;
    } else {
      text(source[i]!);
      i += 1;
    }
  }
  return parts;
}

export const hasVariables = (template: PolicyTemplate): boolean =>
  template.some((p) => p.kind === 'variable');

/**
 * The template with its variables replaced by their values, which are literal text (a client id of `*`
 * is not a wildcard); undefined when any variable is unresolved, so the string matches nothing.
 */
export function resolveTemplate(
  template: PolicyTemplate,
  context: IotAuthorizationContext,
): PatternPart[] | undefined {
  const resolved: PatternPart[] = [];
  for (const part of template) {
    if (part.kind !== 'variable') {
      resolved.push(part);
      continue;
    }
    const value = resolveVariable(part.variable, context);
    if (value === undefined) return undefined;
    resolved.push({ kind: 'text', text: value });
  }
  return resolved;
}
