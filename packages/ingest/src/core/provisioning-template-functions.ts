// Resolves Ref and the intrinsic functions of a provisioning template against the device's parameters
// and the template's Mappings (provision-template.html#intrinsic-functions): Fn::Join, Fn::Select,
// Fn::FindInMap, Fn::Split, Fn::Sub. Any other `Fn::` is refused with its name.
import {
  evaluationFailed,
  invalidTemplate,
  supportedIntrinsicFunctions,
  unsupportedFunction,
} from './provisioning-template-errors.js';

export interface ResolutionContext {
  /** Parameter values, defaults already applied. */
  readonly parameters: Readonly<Record<string, string>>;
  readonly mappings: Readonly<Record<string, Readonly<Record<string, Readonly<Record<string, unknown>>>>>>;
}

type IntrinsicFunction = (argument: unknown, context: ResolutionContext, where: string) => unknown;

const functionNamed = (name: string): IntrinsicFunction | undefined =>
  (implementations as Record<string, IntrinsicFunction | undefined>)[name];

/** The single key of `{ Ref: … }` / `{ "Fn::…": … }`, or undefined for a plain object. */
export function intrinsicNameOf(value: object): string | undefined {
  const keys = Object.keys(value);
  const [key] = keys;
  return keys.length === 1 && key !== undefined && (key === 'Ref' || key.startsWith('Fn::'))
    ? key
    : undefined;
}

/** Every intrinsic function name used anywhere in `value` (for refusing a template before it is stored). */
export function assertSupportedFunctions(value: unknown, where: string): void {
  if (Array.isArray(value)) {
    value.forEach((item, index) => assertSupportedFunctions(item, `${where}[${index}]`));
    return;
  }
  if (value === null || typeof value !== 'object') return;
  const name = intrinsicNameOf(value);
  if (name !== undefined && name !== 'Ref' && !functionNamed(name)) throw unsupportedFunction(name, where);
  for (const [key, item] of Object.entries(value)) assertSupportedFunctions(item, `${where}.${key}`);
}

/** The value with every Ref and function call replaced by its result. */
export function resolveValue(value: unknown, context: ResolutionContext, where: string): unknown {
  if (Array.isArray(value))
    return value.map((item, index) => resolveValue(item, context, `${where}[${index}]`));
  if (value === null || typeof value !== 'object') return value;
  const name = intrinsicNameOf(value);
  if (name === undefined) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, resolveValue(item, context, `${where}.${key}`)]),
    );
  }
  const argument = (value as Record<string, unknown>)[name];
  if (name === 'Ref') return parameterValue(resolveString(argument, context, where, 'Ref'), context, where);
  const apply = functionNamed(name);
  if (!apply) throw unsupportedFunction(name, where);
  return apply(argument, context, `${where}.${name}`);
}

function parameterValue(name: string, context: ResolutionContext, where: string): string {
  const found = context.parameters[name];
  if (found === undefined) {
    throw invalidTemplate(`${where} refers to "${name}", which the template's Parameters do not declare`);
  }
  return found;
}

function resolveString(value: unknown, context: ResolutionContext, where: string, what: string): string {
  const resolved = resolveValue(value, context, where);
  if (typeof resolved === 'string') return resolved;
  if (typeof resolved === 'number') return String(resolved);
  throw evaluationFailed(`${where}: ${what} needs a string, got ${JSON.stringify(resolved)}`);
}

function argumentsOf(argument: unknown, count: number, where: string, usage: string): unknown[] {
  if (!Array.isArray(argument) || argument.length !== count) {
    throw invalidTemplate(`${where} takes ${usage}, got ${JSON.stringify(argument)}`);
  }
  return argument;
}

function resolveList(value: unknown, context: ResolutionContext, where: string): unknown[] {
  const resolved = resolveValue(value, context, where);
  if (!Array.isArray(resolved))
    throw evaluationFailed(`${where} needs a list, got ${JSON.stringify(resolved)}`);
  return resolved;
}

// Typed by the published list, so a function listed as supported cannot lack its implementation.
const implementations: Record<(typeof supportedIntrinsicFunctions)[number], IntrinsicFunction> = {
  'Fn::Join'(argument, context, where) {
    const [delimiter, values] = argumentsOf(argument, 2, where, '[delimiter, [values]]');
    const separator = resolveString(delimiter, context, where, 'the delimiter');
    return resolveList(values, context, where)
      .map((item, index) => resolveString(item, context, `${where}[${index}]`, 'each joined value'))
      .join(separator);
  },
  'Fn::Select'(argument, context, where) {
    const [indexValue, list] = argumentsOf(argument, 2, where, '[index, [values]]');
    const index = Number(resolveString(indexValue, context, where, 'the index'));
    const values = resolveList(list, context, where);
    const selected = Number.isInteger(index) ? values[index] : undefined;
    if (selected === undefined || selected === null) {
      throw evaluationFailed(`${where}: index ${index} is not in a list of ${values.length} values`);
    }
    return selected;
  },
  'Fn::Split'(argument, context, where) {
    const [delimiter, source] = argumentsOf(argument, 2, where, '[delimiter, string]');
    return resolveString(source, context, where, 'the string to split').split(
      resolveString(delimiter, context, where, 'the delimiter'),
    );
  },
  'Fn::FindInMap'(argument, context, where) {
    const [map, top, second] = argumentsOf(argument, 3, where, '[mapName, topLevelKey, secondLevelKey]').map(
      (key) => resolveString(key, context, where, 'each key'),
    ) as [string, string, string];
    const found = context.mappings[map]?.[top]?.[second];
    if (found === undefined) {
      throw evaluationFailed(`${where}: Mappings has no value at "${map}" → "${top}" → "${second}"`);
    }
    return found;
  },
  'Fn::Sub'(argument, context, where) {
    const [text, variables] = Array.isArray(argument)
      ? argumentsOf(argument, 2, where, 'a string, or [string, { name: value }]')
      : [argument, {}];
    if (typeof text !== 'string') throw invalidTemplate(`${where} needs a string to substitute into`);
    const resolvedVariables = resolveValue(variables ?? {}, context, where) as Record<string, unknown>;
    // `${!Literal}` stands for the text `${Literal}`, as in CloudFormation's Fn::Sub.
    return text.replace(/\$\{(!?)([^}]*)\}/g, (_whole, literal: string, name: string) => {
      if (literal) return `\${${name}}`;
      const value = name in resolvedVariables ? resolvedVariables[name] : context.parameters[name];
      if (typeof value !== 'string' && typeof value !== 'number') {
        throw invalidTemplate(
          `${where} substitutes "\${${name}}", which is neither a variable nor a parameter`,
        );
      }
      return String(value);
    });
  },
};
