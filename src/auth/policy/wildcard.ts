/**
 * The matchers of the policy language, compiled once per pattern:
 *
 *  - glob (Action, StringLike): `*` any run of characters, `?` exactly one; everything else literal.
 *    Callers lower-case both sides where matching ignores case (actions).
 *  - ARN (Resource, ArnLike/ArnEquals): IAM checks each colon-delimited component separately, so a
 *    wildcard in the first five components does not cross a colon ("arn:aws:sqs:*:111122223333:q"
 *    does not match "arn:aws:sqs:us-east-1:999:store:111122223333:q"); in the resource component
 *    (after the fifth colon) it does, and a `*` that ends the pattern matches the rest whatever it
 *    holds ("arn:aws:sqs:*" matches every queue), as IAM documents for the Resource element.
 *
 * Most patterns in practice are exact, `*`, or a prefix followed by one `*`; those compile to an
 * equality, a constant or a `startsWith` instead of a regular expression.
 *
 * Policy variables (`${aws:username}`, `${aws:SourceIp, 'default'}`, and the escapes `${*}`, `${?}`,
 * `${$}`) are parsed into templates here and resolved per request; a resolved value is literal (a `*`
 * in a user name is not a wildcard).
 */

export type StringMatcher = (s: string) => boolean;

/** Matching semantics: a plain glob, or an ARN compared component by component. */
export type GlobMode = 'glob' | 'arn';

const ALWAYS: StringMatcher = () => true;
const REGEX_SPECIAL = /[\\^$.*+?()[\]{}|/]/;

function escapeChar(c: string): string {
  return REGEX_SPECIAL.test(c) ? `\\${c}` : c;
}

/**
 * Compile a pattern. `wild[i]` says whether `pattern[i]` is a wildcard when it is `*` or `?`
 * (undefined: every `*` and `?` is one; templates pass false for characters that came from a
 * variable or an escape).
 */
export function compileGlob(pattern: string, mode: GlobMode, wild?: readonly boolean[]): StringMatcher {
  const isWild = (i: number): boolean => (pattern[i] === '*' || pattern[i] === '?') && (wild === undefined || wild[i] === true);
  let wildCount = 0;
  let firstWild = -1;
  for (let i = 0; i < pattern.length; i++) {
    if (isWild(i)) {
      wildCount++;
      if (firstWild < 0) firstWild = i;
    }
  }
  if (wildCount === 0) return (s) => s === pattern;
  if (pattern === '*' && wildCount === 1) return ALWAYS;
  // One trailing `*`: a prefix test (in ARN mode a pattern-final `*` also matches across colons).
  if (wildCount === 1 && firstWild === pattern.length - 1 && pattern[firstWild] === '*') {
    const prefix = pattern.slice(0, -1);
    return (s) => s.startsWith(prefix);
  }
  if (mode === 'glob' && wildCount === 1 && firstWild === 0 && pattern[0] === '*') {
    const suffix = pattern.slice(1);
    return (s) => s.endsWith(suffix);
  }
  let src = '^';
  let colons = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (!isWild(i)) {
      if (c === ':') colons++;
      src += escapeChar(c);
      continue;
    }
    // In an ARN's first five components a wildcard stays inside its component, unless it is the
    // pattern's last character.
    const local = mode === 'arn' && colons < 5 && i !== pattern.length - 1;
    if (c === '*') src += local ? '[^:]*' : '.*';
    else src += local ? '[^:]' : '.';
  }
  const re = new RegExp(`${src}$`, 's');
  return (s) => re.test(s);
}

// ---- policy variables ----------------------------------------------------------------------------

/** A piece of a template: text (whose `*`/`?` are wildcards), literal text, or a variable. */
export type TemplatePart =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'literal'; readonly text: string }
  | { readonly kind: 'var'; readonly key: string; readonly fallback?: string };

export interface Template {
  readonly parts: readonly TemplatePart[];
  /** The (lower-cased) context keys the template reads. */
  readonly keys: readonly string[];
}

const ESCAPES: Readonly<Record<string, string>> = { '*': '*', '?': '?', $: '$' };
const VAR_BODY = /^\s*([^\s,'}]+)\s*(?:,\s*'([^']*)'\s*)?$/;

/**
 * Parse `${…}` occurrences. Undefined when the string has none (the common case: compile it as a
 * plain pattern). A `${` without a closing brace, or with a body that is not a key, stays literal text.
 */
export function parseTemplate(s: string): Template | undefined {
  if (!s.includes('${')) return undefined;
  const parts: TemplatePart[] = [];
  const keys: string[] = [];
  let text = '';
  let i = 0;
  while (i < s.length) {
    const open = s.indexOf('${', i);
    const close = open < 0 ? -1 : s.indexOf('}', open + 2);
    if (open < 0 || close < 0) {
      text += s.slice(i);
      break;
    }
    text += s.slice(i, open);
    const body = s.slice(open + 2, close);
    const escaped = ESCAPES[body];
    const m = escaped === undefined ? VAR_BODY.exec(body) : null;
    if (escaped === undefined && !m) {
      text += s.slice(open, close + 1);
      i = close + 1;
      continue;
    }
    if (text) parts.push({ kind: 'text', text });
    text = '';
    if (escaped !== undefined) parts.push({ kind: 'literal', text: escaped });
    else {
      const key = m![1]!.toLowerCase();
      keys.push(key);
      parts.push(m![2] === undefined ? { kind: 'var', key } : { kind: 'var', key, fallback: m![2] });
    }
    i = close + 1;
  }
  if (text) parts.push({ kind: 'text', text });
  return { parts, keys };
}

/** A template resolved against a request: the string, and which of its characters are wildcards. */
export interface Resolved {
  readonly text: string;
  readonly wild: readonly boolean[];
}

/**
 * Substitute the variables. Undefined when a variable has no value and no default: IAM then treats
 * the statement as not applying ("If AWS cannot resolve a variable, this might cause the entire
 * statement to be invalid").
 */
export function resolveTemplate(t: Template, lookup: (key: string) => string | undefined): Resolved | undefined {
  let text = '';
  const wild: boolean[] = [];
  for (const p of t.parts) {
    let piece: string;
    let isText = false;
    if (p.kind === 'var') {
      const v = lookup(p.key) ?? p.fallback;
      if (v === undefined) return undefined;
      piece = v;
    } else {
      piece = p.text;
      isText = p.kind === 'text';
    }
    text += piece;
    for (let k = 0; k < piece.length; k++) wild.push(isText);
  }
  return { text, wild };
}
