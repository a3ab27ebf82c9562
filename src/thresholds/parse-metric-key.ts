/**
 * Parser of a threshold's metric key: `name` or the sub-metric `name{tag:value,tag2:value2}`.
 * As in k6, each filter is split at its first `:` (so values may contain `:`), spaces around names
 * and values are trimmed, and values may be quoted (`{name:"login"}`).
 */
import { METRIC_NAME_PATTERN, type Tags } from '../metrics/metric-types.js';
import type { MetricKey } from './types.js';

/** Result of {@link parseMetricKey}: the key, or every problem found in it. */
export type ParsedMetricKey = { ok: true; key: MetricKey } | { ok: false; problems: string[] };

/** Parses a metric key such as `http_req_duration{name:login,expected_response:true}`. */
export function parseMetricKey(text: string): ParsedMetricKey {
  const trimmed = text.trim();
  const brace = trimmed.indexOf('{');
  const name = (brace < 0 ? trimmed : trimmed.slice(0, brace)).trim();
  const problems: string[] = [];
  if (!METRIC_NAME_PATTERN.test(name)) {
    problems.push(
      name === ''
        ? `"${text}" has no metric name`
        : `"${name}" is not a valid metric name (letters, digits and _, not starting with a digit)`,
    );
  }
  if (brace < 0) return problems.length > 0 ? { ok: false, problems } : { ok: true, key: { name } };
  if (!trimmed.endsWith('}')) {
    problems.push(`sub-metric "${text}" must end with "}" (e.g. http_req_duration{name:login})`);
    return { ok: false, problems };
  }
  const tags = parseTagFilter(trimmed.slice(brace + 1, -1), text, problems);
  if (problems.length > 0 || !tags) return { ok: false, problems };
  return { ok: true, key: { name, tags } };
}

function parseTagFilter(body: string, text: string, problems: string[]): Tags | undefined {
  if (body.trim() === '') {
    problems.push(
      `sub-metric "${text}" has an empty tag filter; remove the braces or add tag:value`,
    );
    return undefined;
  }
  const tags: Record<string, string> = {};
  for (const part of body.split(',')) {
    const colon = part.indexOf(':');
    if (colon < 0) {
      problems.push(`tag filter "${part.trim()}" in "${text}" must be written tag:value`);
      continue;
    }
    const key = part.slice(0, colon).trim();
    const value = unquote(part.slice(colon + 1).trim());
    if (key === '') problems.push(`tag filter "${part.trim()}" in "${text}" has no tag name`);
    else if (Object.hasOwn(tags, key)) problems.push(`tag "${key}" appears twice in "${text}"`);
    else tags[key] = value;
  }
  return problems.length > 0 ? undefined : tags;
}

function unquote(value: string): string {
  const first = value[0];
  if (value.length >= 2 && (first === '"' || first === "'") && value.endsWith(first)) {
    return value.slice(1, -1);
  }
  return value;
}

/** Formats a metric key the way k6 prints sub-metrics: `name{a:1,b:2}` (tags in written order). */
export function formatMetricKey(key: MetricKey): string {
  if (!key.tags) return key.name;
  const parts = Object.entries(key.tags).map(([k, v]) => `${k}:${v}`);
  return `${key.name}{${parts.join(',')}}`;
}
