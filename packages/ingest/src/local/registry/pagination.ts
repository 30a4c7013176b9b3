// List pagination as IoT does it: at most `maxResults` (1-250) per page and an opaque `nextToken` that
// resumes after the last name returned. Names are unique, so "after this name" is a stable cursor.
import { InvalidRequestError } from './errors.js';
import type { PageRequest } from './types.js';

const maxPageSize = 250;

export interface PageCursor {
  /** Resume after this name (exclusive); '' starts at the beginning. */
  readonly after: string;
  readonly limit: number;
}

/** The names a list's request gives its page size and token, for error messages that name what the user sent. */
export interface PageParameterNames {
  readonly limit: string;
  readonly token: string;
}

/** Most IoT lists page with `maxResults` and `nextToken`; the policy lists say `pageSize` and `marker`. */
const maxResultsAndNextToken: PageParameterNames = { limit: 'maxResults', token: 'nextToken' };

export function cursorOf(request: PageRequest, names = maxResultsAndNextToken): PageCursor {
  const limit = request.maxResults ?? maxPageSize;
  if (!Number.isInteger(limit) || limit < 1 || limit > maxPageSize) {
    throw new InvalidRequestError(`${names.limit} must be an integer from 1 to ${maxPageSize}, not ${limit}`);
  }
  return { after: request.nextToken === undefined ? '' : decodeToken(request.nextToken, names.token), limit };
}

/**
 * Cuts a page from rows fetched with `limit + 1` (one more than asked, to know whether a next page exists).
 */
export function pageFrom<Row>(
  rows: readonly Row[],
  cursor: PageCursor,
  nameOf: (row: Row) => string,
): { readonly items: Row[]; readonly nextToken?: string } {
  const items = rows.slice(0, cursor.limit);
  const last = items.at(-1);
  if (rows.length <= cursor.limit || last === undefined) return { items };
  return { items, nextToken: Buffer.from(JSON.stringify({ after: nameOf(last) })).toString('base64url') };
}

/** A page of names already sorted and held in memory (a certificate's things or policies). */
export function pageOfNames(
  sortedNames: readonly string[],
  request: PageRequest,
  names = maxResultsAndNextToken,
): { readonly items: string[]; readonly nextToken?: string } {
  const cursor = cursorOf(request, names);
  const following = sortedNames.filter((name) => name > cursor.after);
  return pageFrom(following.slice(0, cursor.limit + 1), cursor, (name) => name);
}

function decodeToken(token: string, parameterName: string): string {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (parsed && typeof parsed === 'object' && typeof (parsed as { after?: unknown }).after === 'string') {
      return (parsed as { after: string }).after;
    }
  } catch {
    // Falls through to the error below: a token we did not issue.
  }
  throw new InvalidRequestError(
    `${parameterName} is not one this registry issued: repeat the list without it`,
  );
}
