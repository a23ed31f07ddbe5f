/**
 * A small cache of decisions keyed by (principal, resource, action), for the hot actions: a decision
 * that consulted no condition and no context-dependent policy variable (Decision.cacheable) holds for
 * every request of that caller on that queue and action until a policy changes.
 *
 * Invalidation is by version: whoever changes a policy — a queue `Policy` set or removed,
 * AddPermission/RemovePermission, identities or policies reloaded — calls `invalidate()`, which bumps
 * the version and drops every entry. Policy changes are rare next to messages, so a global flush costs
 * nothing measurable and cannot miss a dependency (a queue policy can name any principal; an identity
 * policy any queue).
 *
 * Bounded: past `maxEntries` the oldest (principal, resource) group is dropped. The map is nested
 * (principal → resource → action) so a lookup builds no key string.
 */
import { authorize, type AuthorizationRequest } from './evaluate.js';
import type { Decision } from './types.js';

export class DecisionCache {
  private readonly byPrincipal = new Map<string, Map<string, Map<string, Decision>>>();
  private entries = 0;
  private currentVersion = 0;

  constructor(readonly maxEntries = 10_000) {}

  /** Bumped by every invalidate(); a decision cached under an older version is never returned. */
  get version(): number {
    return this.currentVersion;
  }

  get size(): number {
    return this.entries;
  }

  /** A policy changed: forget everything. */
  invalidate(): void {
    this.currentVersion++;
    this.byPrincipal.clear();
    this.entries = 0;
  }

  get(principalKey: string, resource: string, action: string): Decision | undefined {
    return this.byPrincipal.get(principalKey)?.get(resource)?.get(action);
  }

  set(principalKey: string, resource: string, action: string, decision: Decision): void {
    if (this.entries >= this.maxEntries) this.evictOldest();
    let byResource = this.byPrincipal.get(principalKey);
    if (!byResource) this.byPrincipal.set(principalKey, (byResource = new Map()));
    let byAction = byResource.get(resource);
    if (!byAction) byResource.set(resource, (byAction = new Map()));
    if (!byAction.has(action)) this.entries++;
    byAction.set(action, decision);
  }

  private evictOldest(): void {
    const first = this.byPrincipal.entries().next();
    if (first.done) return;
    const [principalKey, byResource] = first.value;
    const oldest = byResource.entries().next();
    if (!oldest.done) {
      this.entries -= oldest.value[1].size;
      byResource.delete(oldest.value[0]);
    }
    if (byResource.size === 0) this.byPrincipal.delete(principalKey);
  }
}

/**
 * authorize() behind the cache: a hit costs three Map lookups; a miss decides and, when the decision
 * is cacheable, stores it. `principalKey` identifies the caller's identity and policies (default: its
 * ARN; an access key id works too).
 */
export function authorizeCached(cache: DecisionCache, req: AuthorizationRequest, principalKey: string = req.principal.arn): Decision {
  const hit = cache.get(principalKey, req.resource, req.action);
  if (hit) return hit;
  const d = authorize(req);
  if (d.cacheable) cache.set(principalKey, req.resource, req.action, d);
  return d;
}
