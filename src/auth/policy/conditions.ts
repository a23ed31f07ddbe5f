/**
 * The Condition element: operators compiled once per policy, evaluated against a request's keys.
 *
 * Operators (IAM "Condition operators"): String{Equals,NotEquals,EqualsIgnoreCase,NotEqualsIgnoreCase,
 * Like,NotLike}, Numeric{Equals,NotEquals,LessThan,LessThanEquals,GreaterThan,GreaterThanEquals},
 * Date{…same six…}, Bool, BinaryEquals, IpAddress, NotIpAddress, Arn{Equals,Like,NotEquals,NotLike},
 * Null; each but Null with an `…IfExists` form; each but Null with a `ForAnyValue:` or `ForAllValues:`
 * set operator. An unknown operator makes the policy invalid. Operator names are matched ignoring case.
 *
 * Logic, as IAM documents it:
 *  - several operators in a block, and several keys under one operator: AND;
 *  - several values for one key: OR; for a negated operator (StringNotEquals, StringNotEqualsIgnoreCase,
 *    StringNotLike, NumericNotEquals, DateNotEquals, NotIpAddress, ArnNotEquals, ArnNotLike): NOR;
 *  - a key absent from the request: the condition is false, except for a negated operator (true),
 *    an `…IfExists` operator (true) and Null (which tests exactly that);
 *  - `ForAllValues:` is true when every request value satisfies the operator, and also when the key is
 *    absent or empty; `ForAnyValue:` when at least one does, and false when the key is absent or empty
 *    (true with `…IfExists`). With a negated operator "satisfies" means "matches none of the values".
 *  - a multivalued key (aws:TagKeys) without a set operator is read as ForAnyValue for a positive
 *    operator and as "no request value matches" for a negated one (IAM asks for a set operator there
 *    and does not document the plain form; this is the reading its single-value rules extend to).
 *  - Condition key names ignore case (`aws:SourceIp` = `AWS:sourceip`); so do the tag keys inside
 *    aws:RequestTag/… and aws:ResourceTag/… here.
 *  - Policy variables are allowed in String, Arn and Bool values (2012-10-17 policies only); a
 *    variable without a value makes the statement not apply.
 */
import { cidrContains, parseCidr, parseIp, type Cidr, type IpAddr } from './ip.js';
import type { PolicyError } from './messages.js';
import type { Principal, RequestContext } from './types.js';
import { compileGlob, parseTemplate, resolveTemplate, type Template } from './wildcard.js';

// ---- the request's keys --------------------------------------------------------------------------

/** Keys whose values depend only on the principal (a decision that reads only these can be cached). */
export const PRINCIPAL_KEYS: ReadonlySet<string> = new Set([
  'aws:principalaccount',
  'aws:principalarn',
  'aws:username',
  'aws:userid',
  'aws:principaltype',
]);

const one = (v: string | undefined): readonly string[] | undefined => (v === undefined ? undefined : [v]);

function tagValue(tags: Readonly<Record<string, string>> | undefined, keyLower: string): readonly string[] | undefined {
  if (!tags) return undefined;
  for (const k in tags) if (k.toLowerCase() === keyLower) return [tags[k]!];
  return undefined;
}

/** Whether an ARN is an account root ARN (`arn:<partition>:iam::<account>:root`). */
export const isRootArn = (arn: string): boolean => arn.endsWith(':root') && arn.includes(':iam::');

/**
 * One request's condition keys, computed on demand (most requests read none or one of them). Key
 * names are looked up lower-cased.
 */
export class RequestKeys {
  private ips?: Map<string, IpAddr | undefined>;
  private extraLower?: Map<string, readonly string[]>;

  constructor(
    readonly principal: Principal,
    readonly context: RequestContext,
  ) {}

  /** The values of a key (single-valued keys give one), or undefined when absent. */
  values(key: string): readonly string[] | undefined {
    const c = this.context;
    const p = this.principal;
    switch (key) {
      case 'aws:sourceip':
        return one(c.sourceIp);
      case 'aws:securetransport':
        return c.secureTransport === undefined ? undefined : [c.secureTransport ? 'true' : 'false'];
      case 'aws:currenttime':
        return [new Date(c.now).toISOString()];
      case 'aws:epochtime':
        return [String(Math.floor(c.now / 1000))];
      case 'aws:principalaccount':
        return [p.accountId];
      case 'aws:principalarn':
        return [p.arn];
      case 'aws:principaltype':
        return [isRootArn(p.arn) ? 'Account' : 'User'];
      case 'aws:username':
        return one(p.userName);
      case 'aws:userid':
        return one(p.userId ?? (isRootArn(p.arn) ? p.accountId : undefined));
      case 'aws:useragent':
        return one(c.userAgent);
      case 'aws:sourcearn':
        return one(c.sourceArn);
      case 'aws:sourceaccount':
        return one(c.sourceAccount);
      case 'aws:tagkeys':
        return c.tagKeys ?? (c.requestTags ? Object.keys(c.requestTags) : undefined);
      default:
        if (key.startsWith('aws:requesttag/')) return tagValue(c.requestTags, key.slice('aws:requesttag/'.length));
        if (key.startsWith('aws:resourcetag/')) return tagValue(c.resourceTags, key.slice('aws:resourcetag/'.length));
        return this.extra(key);
    }
  }

  /** A policy variable's value: a single-valued key's value, or undefined. */
  variable(key: string): string | undefined {
    const v = this.values(key);
    return v && v.length === 1 ? v[0] : undefined;
  }

  /** `aws:SourceIp` and other address values, parsed once per request. */
  ip(s: string): IpAddr | undefined {
    this.ips ??= new Map();
    if (!this.ips.has(s)) this.ips.set(s, parseIp(s));
    return this.ips.get(s);
  }

  private extra(key: string): readonly string[] | undefined {
    const e = this.context.extra;
    if (!e) return undefined;
    if (!this.extraLower) {
      this.extraLower = new Map();
      for (const k in e) {
        const v = e[k]!;
        this.extraLower.set(k.toLowerCase(), typeof v === 'string' ? [v] : v);
      }
    }
    return this.extraLower.get(key);
  }
}

// ---- operators -----------------------------------------------------------------------------------

type Family = 'string' | 'stringIgnoreCase' | 'stringLike' | 'numeric' | 'date' | 'bool' | 'binary' | 'ip' | 'arn' | 'null';
type Comparison = 'eq' | 'lt' | 'lte' | 'gt' | 'gte';

interface BaseOperator {
  readonly family: Family;
  readonly negated: boolean;
  readonly cmp: Comparison;
}

const BASE_OPERATORS: ReadonlyMap<string, BaseOperator> = (() => {
  const m = new Map<string, BaseOperator>();
  const add = (name: string, family: Family, negated = false, cmp: Comparison = 'eq') => m.set(name.toLowerCase(), { family, negated, cmp });
  add('StringEquals', 'string');
  add('StringNotEquals', 'string', true);
  add('StringEqualsIgnoreCase', 'stringIgnoreCase');
  add('StringNotEqualsIgnoreCase', 'stringIgnoreCase', true);
  add('StringLike', 'stringLike');
  add('StringNotLike', 'stringLike', true);
  for (const [family, prefix] of [
    ['numeric', 'Numeric'],
    ['date', 'Date'],
  ] as const) {
    add(`${prefix}Equals`, family);
    add(`${prefix}NotEquals`, family, true);
    add(`${prefix}LessThan`, family, false, 'lt');
    add(`${prefix}LessThanEquals`, family, false, 'lte');
    add(`${prefix}GreaterThan`, family, false, 'gt');
    add(`${prefix}GreaterThanEquals`, family, false, 'gte');
  }
  add('Bool', 'bool');
  add('BinaryEquals', 'binary');
  add('IpAddress', 'ip');
  add('NotIpAddress', 'ip', true);
  add('ArnEquals', 'arn');
  add('ArnLike', 'arn');
  add('ArnNotEquals', 'arn', true);
  add('ArnNotLike', 'arn', true);
  add('Null', 'null');
  return m;
})();

export interface OperatorSpec extends BaseOperator {
  readonly ifExists: boolean;
  readonly set?: 'any' | 'all';
}

/** Parse an operator name (`ForAnyValue:StringLikeIfExists`); undefined when it is not one. */
export function parseOperator(name: string): OperatorSpec | undefined {
  let rest = name;
  let set: 'any' | 'all' | undefined;
  const lower = name.toLowerCase();
  if (lower.startsWith('foranyvalue:')) {
    set = 'any';
    rest = name.slice('ForAnyValue:'.length);
  } else if (lower.startsWith('forallvalues:')) {
    set = 'all';
    rest = name.slice('ForAllValues:'.length);
  }
  let restLower = rest.toLowerCase();
  let ifExists = false;
  if (restLower.endsWith('ifexists')) {
    ifExists = true;
    restLower = restLower.slice(0, -'ifexists'.length);
  }
  const base = BASE_OPERATORS.get(restLower);
  if (!base) return undefined;
  // Null tests presence itself: it has neither an IfExists form nor a set form.
  if (base.family === 'null' && (ifExists || set)) return undefined;
  return { ...base, ifExists, ...(set && { set }) };
}

// ---- values --------------------------------------------------------------------------------------

const W3C_TIME_WITHOUT_ZONE = /T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;

/**
 * A date value: epoch seconds ("1700000000") or one of the W3C profiles of ISO 8601 ("2009-01",
 * "2009-01-31", "2009-01-31T12:00Z", "2009-01-31T12:00:00.000+01:00"); a time without a zone is UTC.
 * All digits is epoch seconds, so the bare-year profile ("2009") reads as 2009 seconds past the epoch.
 * Milliseconds since the epoch, or NaN.
 */
export function parseDate(s: string): number {
  const t = s.trim();
  if (/^-?\d+(\.\d+)?$/.test(t)) return Number(t) * 1000;
  if (!/^\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?)?)?$/.test(t)) return NaN;
  return Date.parse(W3C_TIME_WITHOUT_ZONE.test(t) ? `${t}Z` : t);
}

/** A decimal number ("10", "-1.5", "1e3"), or NaN for anything else (including ""). */
export function parseNumber(s: string): number {
  const t = s.trim();
  return t === '' ? NaN : Number(t);
}

function compare(cmp: Comparison, a: number, b: number): boolean {
  switch (cmp) {
    case 'eq':
      return a === b;
    case 'lt':
      return a < b;
    case 'lte':
      return a <= b;
    case 'gt':
      return a > b;
    case 'gte':
      return a >= b;
  }
}

/** Matches one request value against one policy value; null when a policy variable has no value. */
type ValueMatcher = (v: string, keys: RequestKeys) => boolean | null;

/** Raised for a value the operator cannot use (the caller words it for its kind of policy). */
export type ConditionComplaint = (value: string, reason: string) => PolicyError;

function staticMatcher(family: Family, cmp: Comparison, pv: string, key: string, complain: ConditionComplaint): ValueMatcher {
  switch (family) {
    case 'string':
    case 'binary':
      return (v) => v === pv;
    case 'stringIgnoreCase': {
      const lower = pv.toLowerCase();
      return (v) => v.toLowerCase() === lower;
    }
    case 'bool': {
      const lower = pv.toLowerCase();
      return (v) => v.toLowerCase() === lower;
    }
    case 'stringLike': {
      const m = compileGlob(pv, 'glob');
      return (v) => m(v);
    }
    case 'arn': {
      const m = compileGlob(pv, 'arn');
      return (v) => m(v);
    }
    case 'numeric': {
      const n = parseNumber(pv);
      if (Number.isNaN(n)) throw complain(key, `${pv} is not a number.`);
      return (v) => {
        const x = parseNumber(v);
        return !Number.isNaN(x) && compare(cmp, x, n);
      };
    }
    case 'date': {
      const d = parseDate(pv);
      if (Number.isNaN(d)) throw complain(key, `${pv} is not a date (ISO 8601 or epoch seconds).`);
      return (v) => {
        const x = parseDate(v);
        return !Number.isNaN(x) && compare(cmp, x, d);
      };
    }
    case 'ip': {
      const range: Cidr | undefined = parseCidr(pv);
      if (!range) throw complain(key, `${pv} is not an IP address or CIDR range.`);
      return (v, keys) => {
        const a = keys.ip(v);
        return a !== undefined && cidrContains(range, a);
      };
    }
    case 'null':
      // Null is evaluated on presence, never per value (see CompiledCondition.evaluate).
      return () => false;
  }
}

/** A value holding policy variables: resolved per request, then matched like a static value. */
function templateMatcher(family: Family, t: Template): ValueMatcher {
  return (v, keys) => {
    const r = resolveTemplate(t, (k) => keys.variable(k));
    if (!r) return null;
    switch (family) {
      case 'stringLike':
        return compileGlob(r.text, 'glob', r.wild)(v);
      case 'arn':
        return compileGlob(r.text, 'arn', r.wild)(v);
      case 'stringIgnoreCase':
      case 'bool':
        return v.toLowerCase() === r.text.toLowerCase();
      default:
        return v === r.text;
    }
  };
}

/** Families whose values may hold policy variables (IAM: string and ARN operators, and Bool). */
const VARIABLE_FAMILIES: ReadonlySet<Family> = new Set(['string', 'stringIgnoreCase', 'stringLike', 'arn', 'bool']);

export class CompiledCondition {
  private readonly matchers: readonly ValueMatcher[];
  /** Null: which presence the values ask for (true = absent). */
  private readonly nullWants: readonly boolean[];
  /** Whether evaluating may read anything but principal keys (if not, decisions are cacheable). */
  readonly contextFree: boolean;
  /** The key, lower-cased (key names ignore case). */
  readonly key: string;

  constructor(
    readonly operator: string,
    readonly spec: OperatorSpec,
    /** The key as written (errors and `ferry policy check` echo it). */
    readonly keyAsWritten: string,
    readonly values: readonly string[],
    variables: boolean,
    complain: ConditionComplaint,
  ) {
    const key = keyAsWritten.toLowerCase();
    this.key = key;
    let varKeys: string[] = [];
    if (spec.family === 'null') {
      this.nullWants = values.map((v) => {
        const l = v.toLowerCase();
        if (l !== 'true' && l !== 'false') throw complain(keyAsWritten, `Null takes "true" or "false", not ${v}.`);
        return l === 'true';
      });
      this.matchers = [];
    } else {
      this.nullWants = [];
      this.matchers = values.map((pv) => {
        const t = variables && VARIABLE_FAMILIES.has(spec.family) ? parseTemplate(pv) : undefined;
        if (t) {
          varKeys = varKeys.concat(t.keys);
          return templateMatcher(spec.family, t);
        }
        return staticMatcher(spec.family, spec.cmp, pv, keyAsWritten, complain);
      });
    }
    this.contextFree = PRINCIPAL_KEYS.has(key) && varKeys.every((k) => PRINCIPAL_KEYS.has(k));
  }

  /** Whether one request value matches any policy value (null: a variable had no value). */
  private anyMatch(v: string, keys: RequestKeys): boolean | null {
    let unresolved = false;
    for (const m of this.matchers) {
      const r = m(v, keys);
      if (r === true) return true;
      if (r === null) unresolved = true;
    }
    return unresolved ? null : false;
  }

  /** One request value under the operator (negated: it matches none of the policy values). */
  private single(v: string, keys: RequestKeys): boolean | null {
    const r = this.anyMatch(v, keys);
    return r === null ? null : this.spec.negated ? !r : r;
  }

  /** True, false, or null when a policy variable could not be resolved (the statement does not apply). */
  evaluate(keys: RequestKeys): boolean | null {
    const vals = keys.values(this.key);
    const missing = vals === undefined || vals.length === 0;
    const { spec } = this;
    if (spec.family === 'null') return this.nullWants.some((wantsAbsent) => wantsAbsent === missing);
    if (missing) {
      if (spec.ifExists || spec.set === 'all') return true;
      if (spec.set === 'any') return false;
      return spec.negated;
    }
    if (spec.set === 'all') {
      for (const v of vals) {
        const r = this.single(v, keys);
        if (r !== true) return r;
      }
      return true;
    }
    if (spec.set === 'any' || !spec.negated) {
      let unresolved = false;
      for (const v of vals) {
        const r = this.single(v, keys);
        if (r === true) return true;
        if (r === null) unresolved = true;
      }
      return unresolved ? null : false;
    }
    // Negated without a set operator: no request value may match any policy value.
    for (const v of vals) {
      const r = this.anyMatch(v, keys);
      if (r !== false) return r === null ? null : false;
    }
    return true;
  }
}
