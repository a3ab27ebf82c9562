/**
 * `response.json(selector)`: the subset of GJSON paths k6 scripts use — dotted keys, array
 * indexes (`items.0.id`), `#` for an array's length (`items.#`), `items.#.id` to collect a field,
 * and `\.` to escape a dot in a key.
 */

function splitPath(path: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < path.length; i++) {
    const c = path[i]!;
    if (c === '\\' && i + 1 < path.length) {
      current += path[++i];
    } else if (c === '.') {
      parts.push(current);
      current = '';
    } else current += c;
  }
  parts.push(current);
  return parts;
}

function step(value: unknown, key: string, rest: string[]): unknown {
  if (key === '#') {
    if (!Array.isArray(value)) return undefined;
    if (rest.length === 0) return value.length;
    return value.map((item) => select(item, rest));
  }
  if (Array.isArray(value)) {
    const index = Number(key);
    return Number.isInteger(index) ? value[index] : undefined;
  }
  if (typeof value === 'object' && value !== null) return (value as Record<string, unknown>)[key];
  return undefined;
}

function select(value: unknown, parts: string[]): unknown {
  if (parts.length === 0) return value;
  const [key, ...rest] = parts as [string, ...string[]];
  const next = step(value, key, rest);
  if (key === '#' && rest.length > 0) return next;
  return next === undefined ? undefined : select(next, rest);
}

/** Selects `path` in a parsed JSON value; undefined when the path does not exist. */
export function selectJson(value: unknown, path: string): unknown {
  if (path === '') return value;
  return select(value, splitPath(path));
}
