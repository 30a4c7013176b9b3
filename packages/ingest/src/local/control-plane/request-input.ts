// Reading operation inputs from query strings and JSON bodies, as REST-JSON clients send them; anything
// malformed becomes an InvalidRequestException that names the field.
import { z } from 'zod';
import { InvalidRequestError } from '../registry/index.js';

export function parseBody<Schema extends z.ZodType>(
  operation: string,
  schema: Schema,
  body: unknown,
): z.infer<Schema> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`);
  throw new InvalidRequestError(`${operation} request is not valid: ${problems.join('; ')}`);
}

export function queryInteger(query: URLSearchParams, name: string): number | undefined {
  const raw = query.get(name);
  if (raw === null) return undefined;
  if (!/^-?\d+$/.test(raw))
    throw new InvalidRequestError(`Query parameter ${name} must be an integer, not "${raw}"`);
  return Number(raw);
}

export function queryBoolean(query: URLSearchParams, name: string): boolean | undefined {
  const raw = query.get(name);
  if (raw === null) return undefined;
  if (raw !== 'true' && raw !== 'false') {
    throw new InvalidRequestError(`Query parameter ${name} must be true or false, not "${raw}"`);
  }
  return raw === 'true';
}

export const queryString = (query: URLSearchParams, name: string): string | undefined =>
  query.get(name) ?? undefined;

export const pageQuery = (query: URLSearchParams): { maxResults?: number; nextToken?: string } => ({
  maxResults: queryInteger(query, 'maxResults'),
  nextToken: queryString(query, 'nextToken'),
});

export const AttributePayloadBody = z.object({
  attributes: z.record(z.string(), z.string()).optional(),
  merge: z.boolean().optional(),
});

/** Tags are accepted and not kept: the local registry has no tagging API to read them back. */
export const TagsBody = z.array(z.object({ Key: z.string(), Value: z.string().optional() })).optional();

/** For inputs AWS accepts and the local registry does not model: refuse them rather than ignore them. */
export function refuseUnsupported(operation: string, field: string, value: unknown): void {
  if (value !== undefined) {
    throw new InvalidRequestError(
      `${operation}: ${field} is not supported by the local registry; leave it out`,
    );
  }
}
