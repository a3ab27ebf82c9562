/**
 * Redaction of secrets (URL query values, URL credentials, Authorization, cookies, passwords,
 * tokens, API keys, credential-shaped strings) before anything is shown or written. One module,
 * used by every output: metric tags (redacted once, when MetricRegistry creates a series),
 * thresholds' sub-metric keys, run metadata, result files, reports, JSON, JUnit, compare, profile
 * artefacts (source lines) and warnings. docs/monitoring.md ("Secrets in URLs") lists where.
 *
 * Which names hold secrets is decided in one place ({@link isSensitiveKey}); users add names with
 * `--redact-param`, the `redactParams` option or REDLINE_REDACT_PARAMS ({@link addRedactedNames}).
 */

/** What replaces a secret. */
export const REDACTED = '[REDACTED]';

/** Environment variable with extra secret parameter names (comma-separated), read in every thread. */
export const REDACT_PARAMS_ENV = 'REDLINE_REDACT_PARAMS';

/** Options of {@link redactText} and {@link redactDeep}. */
export interface RedactOptions {
  /** Exact secret values known from the flow (passwords, tokens): removed wherever they occur. */
  secrets?: readonly string[];
}

// ---- Names -------------------------------------------------------------------------------------

// Names are compared lower-cased without '-', '_', '.', spaces and brackets (`X-Api-Key`,
// `api_key`, `user[password]`). A name holds a secret when it equals one of EXACT, ends with one
// of SUFFIX or contains one of CONTAINS; so `tokens`, `passes`, `keyboard`, `monkey` and `page`
// do not match while `access_token`, `X-Amz-Signature` and `client_secret` do.
const EXACT = new Set(['auth', 'key', 'sig', 'pass', 'pw', 'session', 'sid', 'otp']);
const SUFFIX = [
  'pwd',
  'token',
  'apikey',
  'authorization',
  'cookie',
  'sessionid',
  'sessid',
  'sessionkey',
  'authkey',
  'accesskey',
  'secretkey',
  'jwt',
  'signature',
  'verifier',
  'passcode',
];
const CONTAINS = ['password', 'passwd', 'passphrase', 'secret', 'privatekey', 'credential'];

/**
 * `code` is an OAuth authorization code (a one-time credential) only next to OAuth parameters or
 * on an OAuth callback path; elsewhere (`?code=FR`, promo and error codes) it stays readable.
 */
const OAUTH_MARKERS = new Set([
  'state',
  'sessionstate',
  'redirecturi',
  'clientid',
  'codeverifier',
  'codechallenge',
  'granttype',
]);
const OAUTH_PATH = /oauth|callback|authori[sz]e|\/auth(?:\/|\?|$)|\/sso\b/i;

function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[-_.\s[\]]/g, '');
}

const userNames = new Set<string>();
let envNames = readEnvNames();

function readEnvNames(): Set<string> {
  const raw = typeof process === 'undefined' ? undefined : process.env[REDACT_PARAMS_ENV];
  return new Set((raw ?? '').split(',').map(normalizeName).filter(Boolean));
}

/**
 * Adds parameter (and field, header, tag) names whose values are secrets in this thread, on top of
 * the built-in ones: `--redact-param`, the `redactParams` option. Names are matched exactly after
 * lower-casing and removing `-`, `_`, `.` and brackets. Worker threads receive them from the
 * shard host ({@link redactedNames}).
 */
export function addRedactedNames(names: Iterable<string>): void {
  for (const name of names) {
    const n = normalizeName(name);
    if (n !== '') userNames.add(n);
  }
}

/** The names added with {@link addRedactedNames} (normalised), e.g. to pass to a worker thread. */
export function redactedNames(): string[] {
  return [...userNames];
}

/** Forgets added names and re-reads REDLINE_REDACT_PARAMS (tests). */
export function resetRedactedNames(): void {
  userNames.clear();
  envNames = readEnvNames();
}

function nameMatches(key: string, withExact: boolean): boolean {
  let name = key;
  if (name.includes('%')) {
    try {
      name = decodeURIComponent(name);
    } catch {
      // not percent-encoded after all
    }
  }
  const k = normalizeName(name);
  if (k === '') return false;
  if (userNames.has(k) || envNames.has(k)) return true;
  if (withExact && EXACT.has(k)) return true;
  return SUFFIX.some((s) => k.endsWith(s)) || CONTAINS.some((s) => k.includes(s));
}

/** True when a query parameter, header, field or tag named `key` holds a secret. */
export function isSensitiveKey(key: string): boolean {
  return nameMatches(key, true);
}

// In free text and code (`db.password = "x"`, `userToken: 'y'`), a name also counts when it
// merely contains one of these words; the short EXACT names (`key`, `sig`, `auth`) do not count
// there, as `key: 'users'` in code is a map key far more often than a credential.
const SECRET_WORD =
  /password|passwd|pwd|secret|token|api[-_]?key|authorization|cookie|session[-_]?id|private[-_]?key|credential|jwt|signature/i;

function isSecretWordName(name: string): boolean {
  return nameMatches(name, false) || SECRET_WORD.test(name);
}

// ---- Query strings -----------------------------------------------------------------------------

/**
 * Redacts the values of secret parameters in a query string or form body (`a=1&token=x`), `path`
 * being what precedes it (for the OAuth `code` rule). Pairs are split at `&` only.
 */
function redactQuery(query: string, path: string): string {
  const parts = query.split(/(&(?:amp;)?)/);
  const names = new Set<string>();
  for (let i = 0; i < parts.length; i += 2) {
    const part = parts[i] as string;
    const eq = part.indexOf('=');
    names.add(normalizeName(eq < 0 ? part : part.slice(0, eq)));
  }
  const oauth = OAUTH_PATH.test(path) || [...names].some((n) => OAUTH_MARKERS.has(n));
  let changed = false;
  for (let i = 0; i < parts.length; i += 2) {
    const part = parts[i] as string;
    const eq = part.indexOf('=');
    if (eq <= 0 || eq === part.length - 1) continue;
    const name = part.slice(0, eq);
    const secret = isSensitiveKey(name) || (oauth && normalizeName(name) === 'code');
    if (!secret || part.slice(eq + 1) === REDACTED) continue;
    parts[i] = `${name}=${REDACTED}`;
    changed = true;
  }
  return changed ? parts.join('') : query;
}

const WHOLE_URL = /^(?:[a-z][a-z0-9+.-]*:\/\/|\/)[^\s]*$/i;
const USERINFO = /([a-z][a-z0-9+.-]*:\/\/)([^/\s@<>"'?#]+)@/gi;

/**
 * A string that is one URL (absolute, or a path with a query): credentials, query and fragment
 * parameters are redacted exactly (values run to the next `&`, whatever they contain).
 */
function redactWholeUrl(url: string): string {
  let out = url.replace(USERINFO, `$1${REDACTED}@`);
  const hash = out.indexOf('#');
  const beforeHash = hash < 0 ? out : out.slice(0, hash);
  let fragment = hash < 0 ? undefined : out.slice(hash + 1);
  const q = beforeHash.indexOf('?');
  const path = q < 0 ? beforeHash : beforeHash.slice(0, q);
  const query = q < 0 ? undefined : redactQuery(beforeHash.slice(q + 1), path);
  if (fragment?.includes('=')) fragment = redactQuery(fragment, path);
  out = `${path}${query === undefined ? '' : `?${query}`}${fragment === undefined ? '' : `#${fragment}`}`;
  return out;
}

// ---- Free text ---------------------------------------------------------------------------------

type Rule = [RegExp, string | ((...groups: string[]) => string)];

// Credential-shaped values, whatever their name: they are secrets wherever they appear.
const SHAPE_RULES: readonly Rule[] = [
  // PEM private keys (a whole block, or its start up to the end of a string literal or line).
  [
    /-----BEGIN [A-Z ]*PRIVATE KEY-----(?:[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----|[^"'`\r\n]*)/g,
    REDACTED,
  ],
  // JSON Web Tokens.
  [/\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g, REDACTED],
  // AWS access key ids.
  [/\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16}\b/g, REDACTED],
  // GitHub, GitLab, Slack, Stripe, Google, npm, SendGrid and `sk-` style API tokens.
  [/\bgh[pousr]_[A-Za-z0-9]{36,}\b/g, REDACTED],
  [/\bgithub_pat_[A-Za-z0-9_]{22,}\b/g, REDACTED],
  [/\bglpat-[A-Za-z0-9_-]{20,}\b/g, REDACTED],
  [/\bxox[abposr]-[A-Za-z0-9-]{10,}\b/g, REDACTED],
  [/\b[rs]k_(?:live|test)_[A-Za-z0-9]{16,}\b/g, REDACTED],
  [/\bAIza[0-9A-Za-z_-]{35}\b/g, REDACTED],
  [/\bnpm_[A-Za-z0-9]{36}\b/g, REDACTED],
  [/\bSG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}\b/g, REDACTED],
  [/\bsk-(?:proj-|ant-)?[A-Za-z0-9_-]{20,}\b/g, REDACTED],
];

const PAIR_NAME = String.raw`[A-Za-z0-9_.~%\[\]-]`;
const PAIR_VALUE = String.raw`[^&\s"'#;,<>]*`;

const TEXT_RULES: readonly Rule[] = [
  // Credentials in URLs: scheme://user:password@host and scheme://token@host, all of the userinfo.
  [USERINFO, `$1${REDACTED}@`],
  // Header lines: `Authorization: Bearer x`, `Cookie: a=b; c=d`.
  [
    /\b((?:proxy-)?authorization|set-cookie|cookie|x-api-key|x-auth-token|x-csrf-token)(\s*:\s*)(?!\s*\[REDACTED\])[^\r\n]+/gi,
    `$1$2${REDACTED}`,
  ],
  // Quoted values under a secret name: "password": "x", 'token' = 'y', apiKey: `z`.
  [
    /(["']?)([A-Za-z0-9_.$-]+)\1(\s*[:=]\s*)(["'`])((?:\\.|(?!\4)[^\\])*)\4/g,
    (match, q, name, sep, quote, value) =>
      isSecretWordName(name as string) && value !== '' && value !== REDACTED
        ? `${q}${name}${q}${sep}${quote}${REDACTED}${quote}`
        : (match as string),
  ],
  // Query strings and form bodies: a=1&token=x&code=y&state=z (names decided by redactQuery).
  [
    new RegExp(
      `(?<!${PAIR_NAME})${PAIR_NAME}+=${PAIR_VALUE}(?:&(?:amp;)?${PAIR_NAME}*(?:=${PAIR_VALUE})?)*`,
      'g',
    ),
    (run, ...rest) => {
      const offset = rest[rest.length - 2] as unknown as number;
      const text = rest[rest.length - 1] as unknown as string;
      const before = text.slice(Math.max(0, offset - 200), offset);
      const path = before.slice(before.search(/\S*$/));
      return redactQuery(run as string, path);
    },
  ],
  // YAML / header-like `password: value` (unquoted).
  [
    /(?<![A-Za-z0-9_-])([A-Za-z0-9_.-]+)(:[ \t]*)(?!\[REDACTED\]|["'\s])([^\s"',;&<>]+)/g,
    (match, name, sep, value) =>
      nameMatches(name as string, false) && !(value as string).startsWith('//')
        ? `${name}${sep}${REDACTED}`
        : (match as string),
  ],
  // Authorization schemes outside headers.
  [/\b(Bearer)\s+(?!\s*\[REDACTED\])[A-Za-z0-9\-._~+/]+=*/g, `$1 ${REDACTED}`],
  [/\b(Basic)\s+(?=[A-Za-z0-9+/]*[0-9+/=])[A-Za-z0-9+/]{8,}={0,2}/g, `$1 ${REDACTED}`],
];

function apply(text: string, rules: readonly Rule[]): string {
  let out = text;
  for (const [pattern, replacement] of rules)
    out = out.replace(pattern, replacement as (substring: string, ...args: unknown[]) => string);
  return out;
}

/**
 * Returns `text` with every secret it can recognise replaced by {@link REDACTED}. A text that is
 * one URL has its credentials and the values of secret query/fragment parameters redacted (the
 * rest of the URL, other parameters included, is kept byte for byte).
 */
export function redactText(text: string, options: RedactOptions = {}): string {
  let out = text;
  for (const secret of options.secrets ?? []) {
    if (secret.length >= 4) out = out.split(secret).join(REDACTED);
  }
  out = apply(out, SHAPE_RULES);
  if (WHOLE_URL.test(out)) return redactWholeUrl(out);
  return apply(out, TEXT_RULES);
}

/**
 * Redacts a line of the profiled program's source (hot-spot and allocation-site evidence): the
 * {@link redactText} rules, then string literals that look like keys (24+ characters of letters
 * and digits, no spaces), then trims it to `maxLength` characters around `column` (1-based) so a
 * minified bundle's one-line source is never copied whole.
 */
export function redactSourceLine(line: string, column?: number, maxLength = 200): string {
  // Redact the whole line first (a window could cut a secret in half), then trim.
  let text = redactText(line).replace(
    /(["'`])(?=[A-Za-z0-9+/=_.-]*[0-9])(?=[A-Za-z0-9+/=_.-]*[A-Za-z])[A-Za-z0-9+/=_.-]{24,}\1/g,
    `$1${REDACTED}$1`,
  );
  if (text.length > maxLength) {
    const center = column !== undefined && column > 0 ? Math.min(column - 1, text.length) : 0;
    const start = Math.max(0, Math.min(center - (maxLength >> 1), text.length - maxLength));
    const end = start + maxLength;
    text = `${start > 0 ? '…' : ''}${text.slice(start, end)}${end < text.length ? '…' : ''}`;
  }
  return text;
}

/**
 * Returns `tags` with secrets redacted: the value of a tag whose name holds a secret, and secrets
 * inside any value (URLs in `url`/`name`, tokens in custom tags). Returns `tags` itself when
 * nothing changed.
 */
export function redactTags<T extends Readonly<Record<string, string>>>(tags: T): T {
  let out: Record<string, string> | undefined;
  for (const key in tags) {
    const value = tags[key] as string;
    const safe = redactTagValue(key, value);
    if (safe !== value) {
      out ??= { ...tags };
      out[key] = safe;
    }
  }
  return (out as T | undefined) ?? tags;
}

/** The value of tag `key` with secrets redacted (see {@link redactTags}). */
export function redactTagValue(key: string, value: string): string {
  if (value === '') return value;
  return isSensitiveKey(key) ? REDACTED : redactText(value);
}

/**
 * Returns a deep copy of `value` where every string (object keys included) went through
 * {@link redactText} and every primitive under a sensitive key (`password`, `authorization`,
 * `apiKey`, ...) is replaced by {@link REDACTED}. Arrays and plain objects are walked; other
 * values are copied as they are.
 */
export function redactDeep<T>(value: T, options: RedactOptions = {}): T {
  return walk(value, options, 0) as T;
}

function walk(value: unknown, options: RedactOptions, depth: number): unknown {
  if (depth > 64) return REDACTED;
  if (typeof value === 'string') return redactText(value, options);
  if (Array.isArray(value)) return value.map((item) => walk(item, options, depth + 1));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const safeKey = redactText(key, options);
    const isPrimitive = typeof item === 'string' || typeof item === 'number';
    out[safeKey] = isPrimitive && isSensitiveKey(key) ? REDACTED : walk(item, options, depth + 1);
  }
  return out;
}

/** Returns a copy of HTTP headers with the values of sensitive ones replaced. */
export function redactHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    out[name] = isSensitiveKey(name) ? REDACTED : redactText(value);
  }
  return out;
}
