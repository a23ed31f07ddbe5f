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

/** ListQueues order: by name in code-unit order (not localeCompare). */
export function byQueueName(a: { name: string }, b: { name: string }): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}
