import { describe, expect, it } from 'vitest';
import { createYamlRuntime, looseEqual } from './yaml-runtime.js';

const rt = createYamlRuntime({
  http: { request: () => Promise.reject(new Error('no network in this test')) },
  check: () => true,
  sleep: () => Promise.resolve(),
});

describe('YAML runtime helpers', () => {
  it('joins the target and URLs, with query strings', () => {
    expect(rt.url('http://h/api', '/users')).toBe('http://h/api/users');
    expect(rt.url('http://h', 'users')).toBe('http://h/users');
    expect(rt.url('http://h', 'https://other/x')).toBe('https://other/x');
    expect(
      rt.url(undefined, 'http://h/x', [
        ['a', 1],
        ['b', ['x', 'y z']],
      ]),
    ).toBe('http://h/x?a=1&b=x&b=y+z');
    expect(rt.url('http://h', '/x?k=1', [['a', true]])).toBe('http://h/x?k=1&a=true');
  });

  it('compares JSON values loosely only between numbers and text', () => {
    expect(looseEqual(7, '7')).toBe(true);
    expect(looseEqual({ a: [1, 2] }, { a: [1, '2'] })).toBe(true);
    expect(looseEqual({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(looseEqual([1], { 0: 1 })).toBe(false);
    expect(looseEqual(null, 'null')).toBe(true);
  });

  it('refuses missing values with the template and the plan line', () => {
    expect(() => rt.str(undefined, '{{ token }}', 'plan.yaml:3:5')).toThrow(
      '{{ token }} has no value (at plan.yaml:3:5)',
    );
    expect(rt.str({ a: 1 }, '{{ x }}', 'p')).toBe('{"a":1}');
    expect(rt.val(0, '{{ n }}', 'p')).toBe(0);
  });

  it('picks by weight, never a weight of 0, and rows in sequence', () => {
    const picks = new Set(Array.from({ length: 200 }, () => rt.pick([0, 1, 0, 3])));
    expect([...picks].sort()).toEqual([1, 3]);
    const rows = ['a', 'b', 'c'];
    expect([0, 1, 2, 3, 4].map((i) => rt.row(rows, 'sequence', () => i))).toEqual([
      'a',
      'b',
      'c',
      'a',
      'b',
    ]);
    expect(rt.helpers.randomString(12)).toMatch(/^[A-Za-z0-9]{12}$/);
    const n = rt.helpers.randomNumber(5, 6);
    expect(n === 5 || n === 6).toBe(true);
  });
});
