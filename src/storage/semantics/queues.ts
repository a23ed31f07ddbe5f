/** Queue-record rules: how SetQueueAttributes, TagQueue and UntagQueue change a stored record. */

/** SetQueueAttributes: `set` merged over the stored attributes, then `unset` names removed. */
export function mergeAttributes(
  current: Readonly<Record<string, string>>,
  set: Record<string, string>,
  unset?: readonly string[],
): Record<string, string> {
  const out: Record<string, string> = { ...current, ...set };
  if (unset !== undefined) for (const k of unset) delete out[k];
  return out;
}

/** TagQueue: tags merged over the stored ones (a key given again takes the new value). */
export function mergeTags(current: Readonly<Record<string, string>>, tags: Record<string, string>): Record<string, string> {
  return { ...current, ...tags };
}

/** UntagQueue: keys removed; keys that are not there are ignored. */
export function removeTags(current: Readonly<Record<string, string>>, keys: readonly string[]): Record<string, string> {
  const out: Record<string, string> = { ...current };
  for (const k of keys) delete out[k];
  return out;
}

/**
 * ListQueues order: by account, then by name, in code-unit order (not localeCompare). Within one
 * account (ListQueues) that is name order.
 */
export function byQueueName(a: { accountId: string; name: string }, b: { accountId: string; name: string }): number {
  if (a.accountId !== b.accountId) return a.accountId < b.accountId ? -1 : 1;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/**
 * The key a queue's (account, name) identity is kept under in engine maps and caches. `/` is in
 * neither an account id nor a queue name, so distinct pairs never share a key.
 */
export function queueKey(accountId: string, name: string): string {
  return `${accountId}/${name}`;
}

/**
 * The name range one account's queueList page reads, for engines that page in an index ordered by
 * name (SQLite's BINARY collation, PostgreSQL's `COLLATE "C"`: byte order, which for queue names —
 * ASCII, validated at create — is code-unit order): names `> after` (or `>= prefix` when that is the
 * tighter bound) and, with a prefix, `< below`, the prefix with its last character's code incremented.
 * Exactly the names that start with the prefix lie in [prefix, below), so a page is one index range scan
 * up to `limit` rows.
 */
export interface ListRange {
  from: string;
  /** `from` itself is excluded (it is the NextToken's last name). */
  exclusive: boolean;
  below?: string;
}

export function listRange(f: { prefix?: string; after?: string }): ListRange {
  const prefix = f.prefix ?? '';
  const below = prefix === '' ? undefined : prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
  if (f.after !== undefined && f.after >= prefix) return { from: f.after, exclusive: true, below };
  return { from: prefix, exclusive: false, below };
}

/** Which of the four page statements (lower bound inclusive or not, upper bound or none) a range needs. */
export type PageForm = 'from' | 'after' | 'fromBelow' | 'afterBelow';

export function pageForm(r: ListRange): PageForm {
  if (r.below === undefined) return r.exclusive ? 'after' : 'from';
  return r.exclusive ? 'afterBelow' : 'fromBelow';
}

/** Whether a record passes a queueList filter. */
export function matchesListFilter(
  q: { accountId: string; name: string },
  f: { accountId?: string; prefix?: string; after?: string } | undefined,
): boolean {
  if (f === undefined) return true;
  return (
    (f.accountId === undefined || q.accountId === f.accountId) &&
    (f.prefix === undefined || q.name.startsWith(f.prefix)) &&
    (f.after === undefined || q.name > f.after)
  );
}
