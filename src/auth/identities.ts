/**
 * Who may call: the identity store. Every access key Ferry accepts maps to an Identity — its secret,
 * the principal it acts as (account, user name, ARN, user id), whether it is an administrator, and its
 * identity policies compiled once. The SigV4 verifier, the console login and the authorization step
 * all read the same store; `replace` swaps the whole set at once (SIGHUP), so a request sees either the
 * old set or the new one, never a mix.
 *
 * Sources, built by `buildIdentities` from the config:
 *  - `accounts.<id>.users.<name>`: IAM users `arn:aws:iam::<id>:user/<name>` with their keys and
 *    policies (named from `policies:` or inline); `admin: true` = everything in the account;
 *  - `--access-key-id`/`--secret-access-key` and `credentials:`: administrators of the default
 *    account, acting as its root `arn:aws:iam::<id>:root` (what every key could do before policies).
 *
 * Any number of accounts: a key acts in its own account (it creates, lists and owns queues there,
 * `/<account>/<name>`), and reaches another account's queues only as SQS allows across accounts (the
 * queue's policy and the key's identity policies must both allow; actions/authorization.ts).
 */
import { createHash } from 'node:crypto';
import { ConfigError, type FerryConfig } from '../config/schema.js';
import { compileIdentityPolicy, PolicyError, type CompiledPolicy, type Principal } from './policy/index.js';

/** One access key and everything a request signed with it acts as. */
export interface Identity {
  readonly accessKeyId: string;
  /** Never logged, never in a message. */
  readonly secretAccessKey: string;
  readonly principal: Principal;
  /** Compiled identity policies (named ones first, then inline), empty for compatibility administrators. */
  readonly policies: readonly CompiledPolicy[];
  /** Where the key came from, for logs: `user <name>`, `--access-key-id` or `credentials`. */
  readonly source: string;
}

/** A complete, validated set of identities. */
export interface IdentitySet {
  readonly byKey: ReadonlyMap<string, Identity>;
  /** User name (and `<account>:<name>`) → its identities (first key first), for `ferry policy check --as <user>`. */
  readonly byUser: ReadonlyMap<string, Identity>;
  readonly defaultAccountId: string;
  /**
   * The accounts this server knows: the default account and every account of `accounts:`. AddPermission
   * grants only these (AWS: "Unable to verify" for an account that does not exist).
   */
  readonly accounts: ReadonlySet<string>;
  /** The administrator every request acts as with `auth: off` (the default account's root). */
  readonly anonymousAdmin: Identity;
}

export type IdentityConfig = Pick<FerryConfig, 'accountId' | 'accounts' | 'policies' | 'credentials' | 'accessKeyId' | 'secretAccessKey'>;

/**
 * AWS-style unique id of a user (`aws:userid`): `AIDA` + 17 characters, derived from account and
 * name so it is stable across restarts and reloads.
 */
export function userIdOf(accountId: string, name: string): string {
  const h = createHash('sha256').update(`${accountId}:${name}`).digest();
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let s = 'AIDA';
  for (let i = 0; i < 17; i++) s += alphabet[h[i]! & 31];
  return s;
}

export function rootPrincipal(accountId: string): Principal {
  return { accountId, arn: `arn:aws:iam::${accountId}:root`, userId: accountId, admin: true };
}

/**
 * Validate and build the identity set. Throws ConfigError (naming account, user, key or policy, never
 * a secret) on: a key id used twice anywhere, a named policy that does not exist, a policy that does
 * not compile.
 */
export function buildIdentities(c: IdentityConfig): IdentitySet {
  const byKey = new Map<string, Identity>();
  const byUser = new Map<string, Identity>();
  const where = new Map<string, string>();
  const add = (id: Identity, label: string) => {
    const prev = where.get(id.accessKeyId);
    if (prev !== undefined)
      throw new ConfigError(`access key ${id.accessKeyId} is declared twice (${prev} and ${label}); access key ids must be unique`);
    where.set(id.accessKeyId, label);
    byKey.set(id.accessKeyId, id);
  };

  // Compatibility keys: the credentials list, then the flag pair (the pair wins a clash, as before).
  const root = rootPrincipal(c.accountId);
  const compat = new Map<string, Identity>();
  for (const k of c.credentials) compat.set(k.accessKeyId, { ...k, principal: root, policies: [], source: 'credentials' });
  if (c.accessKeyId !== undefined && c.secretAccessKey !== undefined) {
    compat.set(c.accessKeyId, {
      accessKeyId: c.accessKeyId,
      secretAccessKey: c.secretAccessKey,
      principal: root,
      policies: [],
      source: '--access-key-id',
    });
  }
  for (const id of compat.values()) add(id, id.source);

  const named = new Map<string, CompiledPolicy>();
  for (const [name, doc] of Object.entries(c.policies)) named.set(name, compile(doc, name, `policies.${name}`));

  for (const [accountId, acct] of Object.entries(c.accounts)) {
    for (const [name, u] of Object.entries(acct.users)) {
      const w = `accounts.${accountId}.users.${name}`;
      const policies: CompiledPolicy[] = [];
      for (const p of u.policies) {
        const compiled = named.get(p);
        if (!compiled) throw new ConfigError(`${w}.policies: no policy named "${p}" in the top-level policies map`);
        policies.push(compiled);
      }
      for (const [pn, doc] of Object.entries(u.inlinePolicies)) policies.push(compile(doc, `${name}/${pn}`, `${w}.inlinePolicies.${pn}`));
      const principal: Principal = {
        accountId,
        arn: `arn:aws:iam::${accountId}:user/${name}`,
        userName: name,
        userId: userIdOf(accountId, name),
        admin: u.admin,
      };
      let first: Identity | undefined;
      for (const k of u.accessKeys) {
        const id: Identity = { accessKeyId: k.accessKeyId, secretAccessKey: k.secretAccessKey, principal, policies, source: `user ${name}` };
        add(id, w);
        first ??= id;
      }
      if (first) {
        byUser.set(name, first);
        byUser.set(`${accountId}:${name}`, first);
      }
    }
  }
  return {
    byKey,
    byUser,
    defaultAccountId: c.accountId,
    accounts: new Set([c.accountId, ...Object.keys(c.accounts)]),
    anonymousAdmin: { accessKeyId: '', secretAccessKey: '', principal: root, policies: [], source: 'auth off' },
  };
}

function compile(doc: unknown, name: string, w: string): CompiledPolicy {
  try {
    return compileIdentityPolicy(doc, name);
  } catch (e) {
    if (e instanceof PolicyError) throw new ConfigError(`${w}: invalid identity policy: ${e.message}`);
    throw e;
  }
}

/**
 * The live identity set. `replace` swaps it atomically; `version` counts swaps (decision caches keyed
 * by access key must be flushed on a swap — the caller does that).
 */
export class IdentityStore {
  private set: IdentitySet;
  private v = 0;

  constructor(initial: IdentitySet) {
    this.set = initial;
  }

  get current(): IdentitySet {
    return this.set;
  }

  get version(): number {
    return this.v;
  }

  /** The identity of an access key, or undefined. */
  get(accessKeyId: string): Identity | undefined {
    return this.set.byKey.get(accessKeyId);
  }

  /** An identity by access key id, or by user name (`name` or `<account>:<name>`). */
  find(keyOrUser: string): Identity | undefined {
    return this.set.byKey.get(keyOrUser) ?? this.set.byUser.get(keyOrUser);
  }

  /** Every key and its secret (the SigV4 verifier's and the console login's view). */
  credentials(): Array<{ accessKeyId: string; secretAccessKey: string }> {
    return [...this.set.byKey.values()].map((i) => ({ accessKeyId: i.accessKeyId, secretAccessKey: i.secretAccessKey }));
  }

  replace(next: IdentitySet): void {
    this.set = next;
    this.v++;
  }
}
