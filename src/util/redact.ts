/**
 * Redaction of secrets (Authorization, cookies, passwords, tokens, API keys) before anything is
 * rendered or written. One helper for every output: reports, JSON, JUnit, compare.
 */

/** What replaces a secret. */
export const REDACTED = '[REDACTED]';

/** Options of {@link redactText} and {@link redactDeep}. */
export interface RedactOptions {
  /** Exact secret values known from the flow (passwords, tokens): removed wherever they occur. */
  secrets?: readonly string[];
}

// Key names whose values are secrets, after lower-casing and removing '-' and '_'. A key matches
// when it equals one of EXACT or ends with one of SUFFIX (so `passes` or `tokens` do not match).
const EXACT = new Set(['auth', 'key', 'sig', 'pass', 'pw']);
const SUFFIX = [
  'password',
  'passwd',
  'pwd',
  'secret',
  'token',
  'apikey',
  'authorization',
  'cookie',
  'sessionid',
  'privatekey',
  'credential',
  'credentials',
  'jwt',
  'signature',
];

/** True when a header, field or parameter named `key` holds a secret. */
export function isSensitiveKey(key: string): boolean {
  const k = key.toLowerCase().replace(/[-_\s]/g, '');
  return EXACT.has(k) || SUFFIX.some((s) => k.endsWith(s));
}

const NAME = '[A-Za-z0-9_.-]*';
const SENSITIVE_WORD =
  '(?:password|passwd|pwd|secret|token|api[-_]?key|authorization|cookie|session[-_]?id|private[-_]?key|credentials?|jwt|signature)';

const RULES: ReadonlyArray<[RegExp, string]> = [
  // JSON Web Tokens anywhere.
  [/\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g, REDACTED],
  // Credentials in URLs: scheme://user:password@host, scheme://token@host.
  [/([a-z][a-z0-9+.-]*:\/\/)([^/\s:@<>"']+):([^/\s@<>"']+)@/gi, `$1$2:${REDACTED}@`],
  [/([a-z][a-z0-9+.-]*:\/\/)([^/\s:@<>"']{16,})@/gi, `$1${REDACTED}@`],
  // Header lines: `Authorization: Bearer x`, `Cookie: a=b; c=d`.
  [
    /\b((?:proxy-)?authorization|set-cookie|cookie|x-api-key|x-auth-token|x-csrf-token)(\s*:\s*)(?!\s*\[REDACTED\])[^\r\n]+/gi,
    `$1$2${REDACTED}`,
  ],
  // Quoted pairs: "password": "x", 'token' = 'y', password: "z".
  [
    new RegExp(
      String.raw`(["']?)(${NAME}${SENSITIVE_WORD}${NAME})\1(\s*[:=]\s*)(["'])(?:\\.|(?!\4)[^\\])*\4`,
      'gi',
    ),
    `$1$2$1$3$4${REDACTED}$4`,
  ],
  // Query strings and forms: token=abc, access_token=..., key=..., sig=...
  [
    new RegExp(
      String.raw`(?<![A-Za-z0-9_-])(${NAME}${SENSITIVE_WORD}|key|sig|auth|pass|pw)=(?!\[REDACTED\])[^&\s"'#;,<>]+`,
      'gi',
    ),
    `$1=${REDACTED}`,
  ],
  // YAML / header-like `password: value` (unquoted).
  [
    new RegExp(
      String.raw`(?<![A-Za-z0-9_-])(${NAME}${SENSITIVE_WORD})(:[ \t]*)(?!\[REDACTED\]|["'\s])[^\s"',;&<>]+`,
      'gi',
    ),
    `$1$2${REDACTED}`,
  ],
  // Authorization schemes outside headers.
  [/\b(Bearer)\s+(?!\s*\[REDACTED\])[A-Za-z0-9\-._~+/]+=*/g, `$1 ${REDACTED}`],
  [/\b(Basic)\s+(?=[A-Za-z0-9+/]*[0-9+/=])[A-Za-z0-9+/]{8,}={0,2}/g, `$1 ${REDACTED}`],
];

/** Returns `text` with every secret it can recognise replaced by {@link REDACTED}. */
export function redactText(text: string, options: RedactOptions = {}): string {
  let out = text;
  for (const secret of options.secrets ?? []) {
    if (secret.length >= 4) out = out.split(secret).join(REDACTED);
  }
  for (const [pattern, replacement] of RULES) out = out.replace(pattern, replacement);
  return out;
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
