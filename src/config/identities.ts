/**
 * The identity part of the config file: `accounts:` (accounts → users → access keys, policies, admin)
 * and the top-level `policies:` map, read and checked for shape here. Secrets are resolved here too
 * (from the file, an environment variable or a file path), so a missing one stops the start — or a
 * SIGHUP reload — with a message naming the user and key, never the secret. Whether the policies
 * compile, named policies exist and key ids are unique is checked by `buildIdentities`
 * (src/auth/identities.ts), which every load and reload runs before anything is used.
 */
import { readFileSync } from 'node:fs';
import { ConfigError, type AccessKeyDeclaration, type AccountDeclaration, type UserDeclaration } from './schema.js';

const USER_KEYS = ['accessKeys', 'policies', 'inlinePolicies', 'admin'];
const KEY_KEYS = ['accessKeyId', 'secretAccessKey', 'secretAccessKeyEnv', 'secretAccessKeyFile'];
/** IAM user names: 1–64 of letters, digits and `+=,.@_-`. */
const USER_NAME = /^[A-Za-z0-9+=,.@_-]{1,64}$/;
/** Policy names, as IAM allows them. */
const POLICY_NAME = /^[A-Za-z0-9+=,.@_-]{1,128}$/;

function isMapping(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `accounts: { "<12 digits>": { users: { <name>: {…} } } }`. */
export function readAccounts(v: unknown, where: string, env: NodeJS.ProcessEnv): Record<string, AccountDeclaration> {
  if (v === null || v === undefined) return {};
  if (!isMapping(v)) throw new ConfigError(`${where}: accounts must be a mapping of 12-digit account id to {users: …}`);
  const out: Record<string, AccountDeclaration> = {};
  for (const [id, acct] of Object.entries(v)) {
    const w = `${where}: accounts.${id}`;
    if (!/^\d{12}$/.test(id)) throw new ConfigError(`${w}: an account id is 12 digits (quote it in YAML: "111111111111")`);
    if (!isMapping(acct)) throw new ConfigError(`${w} must be a mapping with users`);
    for (const k of Object.keys(acct)) if (k !== 'users') throw new ConfigError(`${w}: unknown key "${k}" (known: users)`);
    const users: Record<string, UserDeclaration> = {};
    const rawUsers = acct.users ?? {};
    if (!isMapping(rawUsers)) throw new ConfigError(`${w}.users must be a mapping of user name to user`);
    for (const [name, u] of Object.entries(rawUsers)) users[name] = readUser(name, u, `${w}.users.${name}`, env);
    out[id] = { users };
  }
  return out;
}

function readUser(name: string, u: unknown, w: string, env: NodeJS.ProcessEnv): UserDeclaration {
  if (!USER_NAME.test(name)) throw new ConfigError(`${w}: a user name is 1-64 of letters, digits and +=,.@_-`);
  if (!isMapping(u)) throw new ConfigError(`${w} must be a mapping (known keys: ${USER_KEYS.join(', ')})`);
  for (const k of Object.keys(u)) if (!USER_KEYS.includes(k)) throw new ConfigError(`${w}: unknown key "${k}" (known: ${USER_KEYS.join(', ')})`);
  const keys = u.accessKeys ?? [];
  if (!Array.isArray(keys))
    throw new ConfigError(`${w}.accessKeys must be a list of {accessKeyId, secretAccessKey | secretAccessKeyEnv | secretAccessKeyFile}`);
  const accessKeys = keys.map((k: unknown, i) => readAccessKey(k, `${w}.accessKeys[${i}]`, env));
  const policies = u.policies ?? [];
  if (!Array.isArray(policies) || !policies.every((p): p is string => typeof p === 'string')) {
    throw new ConfigError(`${w}.policies must be a list of names from the top-level policies map`);
  }
  const inline = u.inlinePolicies ?? {};
  if (!isMapping(inline)) throw new ConfigError(`${w}.inlinePolicies must be a mapping of policy name to policy document`);
  for (const n of Object.keys(inline)) if (!POLICY_NAME.test(n)) throw new ConfigError(`${w}.inlinePolicies: "${n}" is not a valid policy name`);
  const admin = u.admin ?? false;
  if (typeof admin !== 'boolean') throw new ConfigError(`${w}.admin must be true or false`);
  return { accessKeys, policies, inlinePolicies: inline, admin };
}

function readAccessKey(k: unknown, w: string, env: NodeJS.ProcessEnv): AccessKeyDeclaration {
  if (!isMapping(k))
    throw new ConfigError(`${w} must be a mapping with accessKeyId and one of secretAccessKey, secretAccessKeyEnv, secretAccessKeyFile`);
  for (const key of Object.keys(k)) if (!KEY_KEYS.includes(key)) throw new ConfigError(`${w}: unknown key "${key}" (known: ${KEY_KEYS.join(', ')})`);
  const id = k.accessKeyId;
  if (typeof id !== 'string' || id === '' || id.includes('/') || id.length > 128) {
    throw new ConfigError(`${w}.accessKeyId must be a non-empty string without "/"`);
  }
  const sources = ['secretAccessKey', 'secretAccessKeyEnv', 'secretAccessKeyFile'].filter((s) => k[s] !== undefined);
  if (sources.length !== 1) throw new ConfigError(`${w} (${id}): give exactly one of secretAccessKey, secretAccessKeyEnv, secretAccessKeyFile`);
  const src = sources[0]!;
  const val = k[src];
  if (typeof val !== 'string' || val === '') throw new ConfigError(`${w}.${src} (${id}) must be a non-empty string`);
  let secret: string | undefined;
  if (src === 'secretAccessKey') secret = val;
  else if (src === 'secretAccessKeyEnv') {
    secret = env[val];
    if (secret === undefined || secret === '') throw new ConfigError(`${w} (${id}): environment variable ${val} is not set or empty`);
  } else {
    try {
      secret = readFileSync(val, 'utf8').replace(/\r?\n$/, '');
    } catch (e) {
      throw new ConfigError(`${w} (${id}): cannot read secretAccessKeyFile ${val}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    if (secret === '') throw new ConfigError(`${w} (${id}): secretAccessKeyFile ${val} is empty`);
  }
  return { accessKeyId: id, secretAccessKey: secret };
}

/** The top-level `policies: { <name>: <IAM policy document> }` map (documents are compiled later). */
export function readPolicies(v: unknown, where: string): Record<string, unknown> {
  if (v === null || v === undefined) return {};
  if (!isMapping(v)) throw new ConfigError(`${where}: policies must be a mapping of policy name to IAM policy document`);
  for (const n of Object.keys(v)) if (!POLICY_NAME.test(n)) throw new ConfigError(`${where}: policies: "${n}" is not a valid policy name`);
  return { ...v };
}
