/**
 * Console sessions, login credentials and login throttling. All in this process's memory: a session
 * is a random id in an HttpOnly cookie pointing at a server-side record (identity + CSRF token), so
 * nothing about the identity is ever readable or forgeable by the browser. With several Ferry
 * processes behind a load balancer a session is valid on the process that issued it (sticky
 * sessions, or log in again: documented in docs/console-api.md).
 *
 * Bounds: sessions expire after an idle timeout and an absolute lifetime, and the store holds at most
 * `maxSessions` (the least recently used is dropped first); the throttle remembers at most
 * `maxEntries` addresses/keys. Every operation is O(1): the Maps are kept in least-recently-used order
 * (delete + set on use) so eviction takes from the front.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

import type { Clock } from '../core/clock.js';
import type { Random } from '../core/random.js';

/** A logged-in (or, with auth off, anonymous) console session. */
export interface Session {
  /** The cookie value: 256 random bits, base64url. */
  readonly id: string;
  /** Sent by the SPA in `X-Ferry-Csrf` on every state-changing request (another 256 random bits). */
  readonly csrfToken: string;
  /** The identity the console acts as (auth sigv4); undefined with auth off. */
  readonly accessKeyId: string | undefined;
  readonly createdAt: number;
  lastSeenAt: number;
}

export interface SessionLimits {
  /** A session unused this long is gone. Default 30 min. */
  idleMs: number;
  /** A session older than this is gone however busy. Default 12 h. */
  lifetimeMs: number;
  /** Most sessions kept; the least recently used goes first. Default 10 000. */
  maxSessions: number;
}

export const DEFAULT_SESSION_LIMITS: SessionLimits = Object.freeze({ idleMs: 30 * 60_000, lifetimeMs: 12 * 3_600_000, maxSessions: 10_000 });

export class SessionStore {
  private readonly sessions = new Map<string, Session>();
  private readonly limits: SessionLimits;

  constructor(
    private readonly clock: Clock,
    private readonly random: Random,
    limits: Partial<SessionLimits> = {},
  ) {
    this.limits = { ...DEFAULT_SESSION_LIMITS, ...limits };
  }

  get size(): number {
    return this.sessions.size;
  }

  create(accessKeyId: string | undefined): Session {
    const now = this.clock.now();
    const s: Session = { id: token(this.random), csrfToken: token(this.random), accessKeyId, createdAt: now, lastSeenAt: now };
    this.sessions.set(s.id, s);
    // Drop expired sessions from the front (least recently used first), then enforce the count bound.
    for (const old of this.sessions.values()) {
      if (this.sessions.size <= this.limits.maxSessions && !this.expired(old, now)) break;
      this.sessions.delete(old.id);
    }
    return s;
  }

  /** The live session of `id` (touching it), or undefined when unknown or expired. */
  get(id: string | undefined): Session | undefined {
    if (id === undefined) return undefined;
    const s = this.sessions.get(id);
    if (s === undefined) return undefined;
    const now = this.clock.now();
    this.sessions.delete(id);
    if (this.expired(s, now)) return undefined;
    s.lastSeenAt = now;
    this.sessions.set(id, s);
    return s;
  }

  delete(id: string | undefined): void {
    if (id !== undefined) this.sessions.delete(id);
  }

  private expired(s: Session, now: number): boolean {
    return now - s.lastSeenAt >= this.limits.idleMs || now - s.createdAt >= this.limits.lifetimeMs;
  }
}

/** 256 random bits as base64url (43 characters). */
function token(random: Random): string {
  return random.bytes(32).toString('base64url');
}

/** Is `got` the token `expected`? In constant time (for the CSRF header). */
export function tokensEqual(expected: string, got: string): boolean {
  return timingSafeEqual(digest(expected), digest(got));
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}

/** An access key the console accepts at login (the server's configured credentials). */
export interface ConsoleCredential {
  accessKeyId: string;
  secretAccessKey: string;
}

/**
 * Check a login. The secret is compared in constant time (over SHA-256 digests, so lengths do not
 * leak either), and an unknown key costs the same comparison against a dummy: the answer time does
 * not tell which of the two was wrong.
 */
export function checkCredentials(credentials: readonly ConsoleCredential[], accessKeyId: string, secretAccessKey: string): boolean {
  const c = credentials.find((k) => k.accessKeyId === accessKeyId);
  const ok = timingSafeEqual(digest(c?.secretAccessKey ?? '\u0000ferry-no-such-key'), digest(secretAccessKey));
  return c !== undefined && ok;
}

export interface ThrottleLimits {
  /** Failures allowed before the back-off starts. Default 5. */
  freeFailures: number;
  /** The first back-off; it doubles with each further failure. Default 1 s. */
  baseDelayMs: number;
  /** The longest back-off. Default 15 min. */
  maxDelayMs: number;
  /** An entry with no failure for this long is forgotten. Default 15 min. */
  forgetAfterMs: number;
  /** Most addresses/keys remembered (oldest forgotten first). Default 10 000. */
  maxEntries: number;
}

export const DEFAULT_THROTTLE_LIMITS: ThrottleLimits = Object.freeze({
  freeFailures: 5,
  baseDelayMs: 1_000,
  maxDelayMs: 15 * 60_000,
  forgetAfterMs: 15 * 60_000,
  maxEntries: 10_000,
});

interface Failures {
  count: number;
  lastAt: number;
}

/**
 * Brute-force protection of the login: failed attempts are counted per client address and per access
 * key id; after `freeFailures` failures the subject must wait an exponentially growing delay since its
 * last failure (1 s, 2 s, 4 s … up to 15 min) before the next attempt is even checked. A success clears
 * the address's and the key's counts. Per key as well as per address, so a distributed guesser is slowed
 * too — at the price that someone can slow down logins of a key whose id they know (documented).
 */
export class LoginThrottle {
  private readonly entries = new Map<string, Failures>();
  private readonly limits: ThrottleLimits;

  constructor(
    private readonly clock: Clock,
    limits: Partial<ThrottleLimits> = {},
  ) {
    this.limits = { ...DEFAULT_THROTTLE_LIMITS, ...limits };
  }

  get size(): number {
    return this.entries.size;
  }

  /** Milliseconds to wait before `subjects` may try again (0: go ahead). */
  retryAfterMs(subjects: readonly string[]): number {
    const now = this.clock.now();
    let wait = 0;
    for (const s of subjects) {
      const f = this.live(s, now);
      if (f === undefined || f.count < this.limits.freeFailures) continue;
      const delay = Math.min(this.limits.maxDelayMs, this.limits.baseDelayMs * 2 ** (f.count - this.limits.freeFailures));
      wait = Math.max(wait, f.lastAt + delay - now);
    }
    return Math.max(0, wait);
  }

  fail(subjects: readonly string[]): void {
    const now = this.clock.now();
    for (const s of subjects) {
      const f = this.live(s, now) ?? { count: 0, lastAt: now };
      f.count++;
      f.lastAt = now;
      this.entries.delete(s);
      this.entries.set(s, f);
    }
    // Forget stale entries from the front (least recently failed first), then enforce the bound.
    for (const [k, f] of this.entries) {
      if (this.entries.size <= this.limits.maxEntries && now - f.lastAt < this.limits.forgetAfterMs) break;
      this.entries.delete(k);
    }
  }

  succeed(subjects: readonly string[]): void {
    for (const s of subjects) this.entries.delete(s);
  }

  private live(subject: string, now: number): Failures | undefined {
    const f = this.entries.get(subject);
    if (f !== undefined && now - f.lastAt >= this.limits.forgetAfterMs) {
      this.entries.delete(subject);
      return undefined;
    }
    return f;
  }
}
