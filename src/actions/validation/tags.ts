/**
 * Queue tags (CreateQueue `tags`, TagQueue `Tags`): at most 50 per queue, keys 1–128 characters,
 * values 0–256 characters, keys beginning `aws:` reserved.
 */
import * as M from '../../errors/messages.js';
import { LIMITS } from './limits.js';

/** Validate a tag map; `existing` are the queue's current tags (TagQueue merges). */
export function validateTags(queueName: string, tags: Record<string, string>, existing: Readonly<Record<string, string>> = {}): void {
  for (const [k, v] of Object.entries(tags)) {
    if (k.length === 0 || k.length > LIMITS.tagKeyMax) throw M.tagKeyInvalid(k);
    if (/^aws:/i.test(k)) throw M.tagKeyReserved(k);
    if (typeof v !== 'string' || v.length > LIMITS.tagValueMax) throw M.tagValueInvalid(k);
  }
  const merged = new Set([...Object.keys(existing), ...Object.keys(tags)]);
  if (merged.size > LIMITS.tagsMax) throw M.tooManyTags(queueName);
}
