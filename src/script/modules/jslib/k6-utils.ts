/**
 * Native equivalent of jslib's k6-utils (`https://jslib.k6.io/k6-utils/<version>/index.js`),
 * written for Redline from k6's documentation: the same exports and behaviour, offline.
 */
import { randomUUID } from 'node:crypto';

/** A random integer in [min, max], both included (k6-utils `randomIntBetween`). */
export function randomIntBetween(min: number, max: number): number {
  const lo = Math.ceil(min);
  const hi = Math.floor(max);
  return Math.floor(Math.random() * (hi - lo + 1)) + lo;
}

/** A random element of `items` (k6-utils `randomItem`). */
export function randomItem<T>(items: readonly T[]): T {
  return items[Math.floor(Math.random() * items.length)] as T;
}

/** A random string of `length` characters from `charset` (default a-z; k6-utils `randomString`). */
export function randomString(length: number, charset = 'abcdefghijklmnopqrstuvwxyz'): string {
  const chars = [...charset];
  let out = '';
  for (let i = 0; i < length; i++) out += chars[Math.floor(Math.random() * chars.length)];
  return out;
}

/**
 * A random UUID v4 (k6-utils `uuidv4`). `secure` is accepted for compatibility: the value always
 * comes from Node's cryptographic random generator.
 */
export function uuidv4(_secure = false): string {
  return randomUUID();
}

/**
 * The text between `left` and `right` (the first occurrence), or '' when there is none; with
 * `repeat`, every occurrence in order (k6-utils `findBetween`).
 */
export function findBetween(content: string, left: string, right: string): string;
export function findBetween(content: string, left: string, right: string, repeat: true): string[];
export function findBetween(
  content: string,
  left: string,
  right: string,
  repeat = false,
): string | string[] {
  const found: string[] = [];
  let from = 0;
  for (;;) {
    const start = content.indexOf(left, from);
    if (start < 0) break;
    const valueStart = start + left.length;
    const end = content.indexOf(right, valueStart);
    if (end < 0) break;
    found.push(content.slice(valueStart, end));
    if (!repeat) break;
    from = end + right.length;
  }
  return repeat ? found : (found[0] ?? '');
}
