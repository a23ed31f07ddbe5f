/**
 * Structural parsing of an IAM/SQS policy document: JSON text (or an already-parsed value, e.g. from
 * the YAML config) → PolicyAst, with every value normalised to lists of strings. What is checked here
 * holds for both kinds of policy (the grammar of the access policy language):
 *
 *  - top level: `Version` ("2012-10-17" or "2008-10-17"; missing means 2008-10-17, as IAM reads it),
 *    `Id`, `Statement` (one object or a non-empty array of objects); nothing else;
 *  - statement: `Sid`, `Effect` ("Allow" | "Deny"), exactly one of `Action`/`NotAction` and of
 *    `Resource`/`NotResource` (strings or non-empty arrays of strings), `Condition`; nothing else;
 *  - `Principal`/`NotPrincipal`: required (exactly one) in a resource policy, forbidden in an identity
 *    policy ("You cannot use the NotPrincipal element in an IAM identity-based policy"); the value is
 *    "*" or an object with `AWS`, `Service`, `Federated` or `CanonicalUser` (string or array);
 *  - `Condition`: { operator: { key: value | [values] } } with string, number or boolean values.
 *
 * Meaning (which actions exist, operator names, values per operator, quotas) is checked by compile.ts
 * and validate.ts.
 */
import { policyInvalid, policyNotJson, PolicyError } from './messages.js';
import type { ConditionEntry, PolicyAst, PolicyKind, PolicyVersion, PrincipalBlock, StatementAst } from './types.js';

const TOP_KEYS = new Set(['Version', 'Id', 'Statement']);
const STATEMENT_KEYS = new Set(['Sid', 'Effect', 'Principal', 'NotPrincipal', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition']);
const PRINCIPAL_KEYS = new Set(['AWS', 'Service', 'Federated', 'CanonicalUser']);
const VERSIONS = new Set<string>(['2012-10-17', '2008-10-17']);

/** How a structural problem is reported: the queue policy's AWS wording, or a named config policy. */
export type Complaint = (reason: string) => PolicyError;

/** The complaint for a policy of this kind: queue policies in SQS's wording, identity policies by name. */
export function complaintFor(kind: PolicyKind, name: string): Complaint {
  if (kind === 'resource') return policyInvalid;
  return (reason) => new PolicyError('InvalidAttributeValue', `Invalid policy ${name}: ${reason}`);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** JSON text or a parsed value → the document object; not JSON / not an object → the kind's error. */
export function parseJson(input: unknown, kind: PolicyKind, name: string): Record<string, unknown> {
  let doc = input;
  if (typeof input === 'string') {
    try {
      doc = JSON.parse(input) as unknown;
    } catch {
      throw kind === 'resource' ? policyNotJson() : complaintFor(kind, name)('the document is not valid JSON.');
    }
  }
  if (!isObject(doc)) throw kind === 'resource' ? policyNotJson() : complaintFor(kind, name)('the document must be a JSON object.');
  return doc;
}

function stringList(v: unknown, where: string, complain: Complaint): string[] {
  const list = Array.isArray(v) ? v : [v];
  if (list.length === 0) throw complain(`${where} must not be an empty list.`);
  for (const s of list) if (typeof s !== 'string' || s === '') throw complain(`${where} must be a non-empty string or a list of them.`);
  return list as string[];
}

function principalBlock(v: unknown, where: string, complain: Complaint): PrincipalBlock {
  if (v === '*') return { any: true, aws: [], other: [] };
  if (!isObject(v)) throw complain(`${where} must be "*" or an object such as {"AWS": "123456789012"}.`);
  const aws: string[] = [];
  const other: string[] = [];
  let any = false;
  const keys = Object.keys(v);
  if (keys.length === 0) throw complain(`${where} must name at least one principal.`);
  for (const k of keys) {
    if (!PRINCIPAL_KEYS.has(k)) throw complain(`${where} has an unknown principal type "${k}" (use AWS, Service, Federated or CanonicalUser).`);
    const values = stringList(v[k], `${where}.${k}`, complain);
    if (k === 'AWS') {
      for (const s of values) {
        if (s === '*') any = true;
        else aws.push(s);
      }
    } else other.push(...values.map((s) => `${k}:${s}`));
  }
  return { any, aws, other };
}

function conditionEntries(v: unknown, where: string, complain: Complaint): ConditionEntry[] {
  if (!isObject(v)) throw complain(`${where} must be an object of operators.`);
  const out: ConditionEntry[] = [];
  for (const [operator, block] of Object.entries(v)) {
    if (!isObject(block) || Object.keys(block).length === 0) {
      throw complain(`${where}.${operator} must be an object of condition keys and values.`);
    }
    for (const [key, raw] of Object.entries(block)) {
      const list = Array.isArray(raw) ? raw : [raw];
      if (list.length === 0) throw complain(`${where}.${operator}.${key} must have at least one value.`);
      const values: string[] = [];
      for (const x of list) {
        if (typeof x === 'string') values.push(x);
        else if (typeof x === 'number' && Number.isFinite(x)) values.push(String(x));
        else if (typeof x === 'boolean') values.push(x ? 'true' : 'false');
        else throw complain(`${where}.${operator}.${key} values must be strings, numbers or booleans.`);
      }
      out.push({ operator, key, values });
    }
  }
  return out;
}

function statement(raw: unknown, index: number, kind: PolicyKind, complain: Complaint): StatementAst {
  const where = `Statement[${index}]`;
  if (!isObject(raw)) throw complain(`${where} must be an object.`);
  for (const k of Object.keys(raw)) if (!STATEMENT_KEYS.has(k)) throw complain(`${where} has an unknown element "${k}".`);
  const { Sid, Effect } = raw;
  if (Sid !== undefined && typeof Sid !== 'string') throw complain(`${where}.Sid must be a string.`);
  if (Effect !== 'Allow' && Effect !== 'Deny') throw complain(`${where}.Effect must be "Allow" or "Deny".`);
  const pair = (a: string, b: string, required: boolean): [string[] | undefined, string[] | undefined] => {
    if (raw[a] !== undefined && raw[b] !== undefined) throw complain(`${where} has both ${a} and ${b}.`);
    if (required && raw[a] === undefined && raw[b] === undefined) throw complain(`${where} must have ${a} or ${b}.`);
    return [
      raw[a] === undefined ? undefined : stringList(raw[a], `${where}.${a}`, complain),
      raw[b] === undefined ? undefined : stringList(raw[b], `${where}.${b}`, complain),
    ];
  };
  const [action, notAction] = pair('Action', 'NotAction', true);
  const [resource, notResource] = pair('Resource', 'NotResource', true);
  let principal: PrincipalBlock | undefined;
  let notPrincipal: PrincipalBlock | undefined;
  if (kind === 'identity') {
    if (raw.Principal !== undefined || raw.NotPrincipal !== undefined) {
      throw complain(`${where}: an identity policy must not have Principal or NotPrincipal.`);
    }
  } else {
    if (raw.Principal !== undefined && raw.NotPrincipal !== undefined) throw complain(`${where} has both Principal and NotPrincipal.`);
    if (raw.Principal === undefined && raw.NotPrincipal === undefined) throw complain(`${where} must have Principal or NotPrincipal.`);
    if (raw.Principal !== undefined) principal = principalBlock(raw.Principal, `${where}.Principal`, complain);
    else notPrincipal = principalBlock(raw.NotPrincipal, `${where}.NotPrincipal`, complain);
  }
  const conditions = raw.Condition === undefined ? [] : conditionEntries(raw.Condition, `${where}.Condition`, complain);
  return {
    index,
    ...(Sid === undefined ? {} : { sid: Sid }),
    effect: Effect,
    ...(principal && { principal }),
    ...(notPrincipal && { notPrincipal }),
    ...(action && { action }),
    ...(notAction && { notAction }),
    ...(resource && { resource }),
    ...(notResource && { notResource }),
    conditions,
    source: raw,
  };
}

/** Parse and check the grammar of a policy document. Throws PolicyError. */
export function parsePolicy(input: unknown, kind: PolicyKind, name = kind === 'resource' ? 'queue policy' : 'policy'): PolicyAst {
  const complain = complaintFor(kind, name);
  const doc = parseJson(input, kind, name);
  for (const k of Object.keys(doc)) if (!TOP_KEYS.has(k)) throw complain(`unknown top-level element "${k}".`);
  const { Version, Id, Statement } = doc;
  if (Version !== undefined && (typeof Version !== 'string' || !VERSIONS.has(Version))) {
    throw complain('Version must be "2012-10-17" or "2008-10-17".');
  }
  if (Id !== undefined && typeof Id !== 'string') throw complain('Id must be a string.');
  if (Statement === undefined) throw complain('the policy must have a Statement.');
  const list = Array.isArray(Statement) ? Statement : [Statement];
  if (list.length === 0) throw complain('Statement must not be empty.');
  return {
    version: (Version as PolicyVersion | undefined) ?? '2008-10-17',
    versionGiven: Version !== undefined,
    ...(Id === undefined ? {} : { id: Id }),
    statements: list.map((s, i) => statement(s, i, kind, complain)),
  };
}
