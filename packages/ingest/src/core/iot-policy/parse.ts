// Turns a policy document (JSON text or a parsed object) into a compiled policy that `authorize` can
// evaluate, or throws a typed error naming the statement and what to change. Everything that can be
// checked without a connection is checked here, so a bad policy fails when it is loaded, not mid-session.
import { z } from 'zod';
import { compileActionPattern } from './actions.js';
import { compileConditions, type CompiledCondition } from './conditions.js';
import { IotPolicyDocument, unsupportedStatementElements, type IotPolicyStatement } from './document.js';
import { InvalidIotPolicyError, PolicyProblem, UnsupportedPolicyFeatureError } from './errors.js';
import { parseTemplate, type PolicyTemplate } from './template.js';

export interface CompiledStatement {
  /** Position in the document's Statement array (0-based). */
  readonly index: number;
  readonly sid?: string;
  readonly effect: 'Allow' | 'Deny';
  readonly actions: readonly RegExp[];
  readonly resources: readonly PolicyTemplate[];
  readonly conditions: readonly CompiledCondition[];
}

export interface CompiledIotPolicy {
  readonly name: string;
  /** The validated document, e.g. for auditIotPolicy from @tributary/contracts. */
  readonly document: IotPolicyDocument;
  readonly statements: readonly CompiledStatement[];
}

const listOf = (value: string | readonly string[]): readonly string[] =>
  typeof value === 'string' ? [value] : value;

export function parseIotPolicy(name: string, document: unknown): CompiledIotPolicy {
  const raw = typeof document === 'string' ? parseJson(name, document) : document;
  refuseUnsupportedElements(name, raw);
  const parsed = IotPolicyDocument.safeParse(raw);
  if (!parsed.success) throw new InvalidIotPolicyError(name, describeIssues(parsed.error));
  return {
    name,
    document: parsed.data,
    statements: parsed.data.Statement.map((statement, index) => compileStatement(name, statement, index)),
  };
}

function parseJson(name: string, text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new InvalidIotPolicyError(name, `the document is not JSON (${(error as Error).message})`);
  }
}

function refuseUnsupportedElements(name: string, raw: unknown): void {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return; // the schema reports it
  const { Version, Statement } = raw as { Version?: unknown; Statement?: unknown };
  if (Version === undefined || Version === '2008-10-17') {
    throw new UnsupportedPolicyFeatureError(
      name,
      `Version ${Version === undefined ? 'missing' : '"2008-10-17"'}: policy variables are literal text under it; set "Version": "2012-10-17"`,
    );
  }
  const statements = Array.isArray(Statement) ? Statement : [Statement];
  for (const [index, statement] of statements.entries()) {
    if (statement === null || typeof statement !== 'object') continue;
    for (const [element, fix] of Object.entries(unsupportedStatementElements)) {
      if (element in statement)
        throw new UnsupportedPolicyFeatureError(name, `Statement[${index}].${element}: ${fix}`);
    }
  }
}

function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${pathOf(issue.path)}: ${issue.message}`).join('; ');
}

const pathOf = (path: readonly PropertyKey[]): string =>
  path.length === 0
    ? 'document'
    : path
        .map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i > 0 ? '.' : ''}${String(key)}`))
        .join('');

function compileStatement(name: string, statement: IotPolicyStatement, index: number): CompiledStatement {
  const at = <T>(element: string, compile: () => T): T => {
    try {
      return compile();
    } catch (error) {
      if (!(error instanceof PolicyProblem)) throw error;
      const message = `Statement[${index}].${element}: ${error.message}`;
      throw error.kind === 'invalid'
        ? new InvalidIotPolicyError(name, message)
        : new UnsupportedPolicyFeatureError(name, message);
    }
  };
  return {
    index,
    ...(statement.Sid === undefined ? {} : { sid: statement.Sid }),
    effect: statement.Effect,
    actions: at('Action', () => listOf(statement.Action).map(compileActionPattern)),
    resources: at('Resource', () => listOf(statement.Resource).map(compileResource)),
    conditions: at('Condition', () => compileConditions(statement.Condition ?? {})),
  };
}

const specialCharacters = /\$[({][*?$][)}]/g;

/** `*`, or an IoT ARN whose variables sit in the resource part (reference_policies_variables.html). */
function compileResource(resource: string): PolicyTemplate {
  if (resource === '*') return parseTemplate(resource);
  const segments = resource.split(':');
  if (segments.length < 6 || segments[0] !== 'arn' || !/^(iot|.*[*?].*)$/.test(segments[2]!)) {
    throw new PolicyProblem(
      `"${resource}" is not an AWS IoT resource: write "*" or arn:<partition>:iot:<region>:<account>:<type>/<name>`,
      'invalid',
    );
  }
  const beforeResourcePart = segments.slice(0, 5).join(':').replace(specialCharacters, '');
  if (beforeResourcePart.includes('${')) {
    throw new PolicyProblem(
      `"${resource}": policy variables may only appear after the fifth colon (in the resource part of the ARN)`,
      'invalid',
    );
  }
  return parseTemplate(resource);
}
