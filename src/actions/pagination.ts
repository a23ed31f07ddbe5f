/**
 * Opaque NextToken for name-ordered listings (ListQueues, ListDeadLetterSourceQueues): base64 of a
 * small JSON document holding the last name returned. AWS tokens are opaque too; a token that does
 * not decode is InvalidParameterValue.
 */
import * as M from '../errors/messages.js';

export function encodeNextToken(lastName: string): string {
  return Buffer.from(JSON.stringify({ after: lastName }), 'utf8').toString('base64');
}

export function decodeNextToken(token: string): string {
  try {
    const v = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { after?: unknown };
    if (typeof v.after === 'string') return v.after;
  } catch {
    // fall through
  }
  throw M.nextTokenInvalid();
}

/**
 * One page of sorted names. AWS returns a NextToken only when MaxResults was given and more remain.
 */
export function paginate(names: string[], maxResults: number | undefined, nextToken: string | undefined): { page: string[]; next?: string } {
  const after = nextToken !== undefined && nextToken !== '' ? decodeNextToken(nextToken) : undefined;
  const rest = after === undefined ? names : names.filter((n) => n > after);
  if (maxResults === undefined) return { page: rest.slice(0, 1000) };
  const page = rest.slice(0, maxResults);
  return rest.length > maxResults ? { page, next: encodeNextToken(page[page.length - 1]!) } : { page };
}
