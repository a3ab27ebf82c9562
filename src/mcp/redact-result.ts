/**
 * Redaction of tool results: every string (object keys included) goes through util/redact.ts's
 * redactText, which removes credentials in URLs, query strings, header lines, JWTs, quoted
 * `password: "..."` pairs and the configured secret values. Unlike redactDeep it does not blank
 * values by their field name: a result's `key` or `token_count` field is data (compare_runs rows
 * are keyed by `key`), while the call log, which records the agent's arguments (headers, env),
 * uses redactDeep.
 */
import { type RedactOptions, redactText } from '../util/redact.js';

/** A deep copy of `value` with every string redacted. */
export function redactStrings<T>(value: T, options: RedactOptions = {}): T {
  return walk(value, options, 0) as T;
}

function walk(value: unknown, options: RedactOptions, depth: number): unknown {
  if (typeof value === 'string') return redactText(value, options);
  if (depth > 64 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => walk(v, options, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value))
    out[redactText(key, options)] = walk(item, options, depth + 1);
  return out;
}
