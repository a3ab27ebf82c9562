// The one input reader: its path format, its problem line, and each typed read's accepted and
// rejected values (every rejected value leaves exactly one problem at its path).

import { describe, expect, it } from 'vitest';
import { LineCounter, parseDocument } from 'yaml';
import {
  describeInput,
  formatInputPath,
  formatInputProblem,
  InputReader,
  readDuration,
} from './input-reader.js';
import { yamlPositionOf } from './yaml-position.js';

describe('formatInputPath', () => {
  it('joins plain keys with dots, indexes and other keys in brackets', () => {
    expect(formatInputPath(['scenarios', 'browse', 'executor'])).toBe('scenarios.browse.executor');
    expect(formatInputPath(['stages', 1, 'target'])).toBe('stages[1].target');
    expect(formatInputPath(['thresholds', 'http_req_duration{x:y}'])).toBe(
      'thresholds["http_req_duration{x:y}"]',
    );
    expect(formatInputPath(['--vus'])).toBe('--vus');
    expect(formatInputPath([])).toBe('');
  });
});

describe('formatInputProblem', () => {
  it('puts where, path, message and suggestion on one line, leaving out what is unknown', () => {
    const problem = { path: ['executor'], message: 'unknown executor "x"', suggestion: 'y' };
    expect(formatInputProblem(problem, 'plan.yaml:3:5')).toBe(
      'plan.yaml:3:5: executor: unknown executor "x"; did you mean "y"?',
    );
    expect(formatInputProblem({ path: [], message: 'empty file' })).toBe('empty file');
  });
  it('names wrong values the same way everywhere', () => {
    expect([null, undefined, [], {}, 'ten', 3, true].map(describeInput)).toEqual([
      'null',
      'nothing',
      'a list',
      'a map',
      '"ten"',
      '3',
      'true',
    ]);
  });
});

describe('InputReader', () => {
  it('reads good values and records nothing', () => {
    const r = new InputReader();
    expect(r.object({ a: 1 }, ['x'], ['a'])).toEqual({ a: 1 });
    expect(r.list([1], ['l'])).toEqual([1]);
    expect(r.string('s', ['s'])).toBe('s');
    expect(r.string(7, ['s'], true)).toBe('7');
    expect(r.number('10', ['n'], { fromText: true, integer: true, min: 1 })).toBe(10);
    expect(r.boolean(false, ['b'])).toBe(false);
    expect(r.duration('1m30s', ['d'], { bareUnit: 'ms' })).toBe(90_000);
    expect(r.duration(2, ['d'], { bareUnit: 's' })).toBe(2000);
    expect(r.stringList('one', ['l'], true)).toEqual(['one']);
    expect(r.stringMap({ a: 1, b: 'x' }, ['m'], true)).toEqual({ a: '1', b: 'x' });
    expect(r.problems.count).toBe(0);
  });

  it('records one problem per wrong value, at its path, with a suggestion for unknown keys', () => {
    const r = new InputReader();
    r.object({ duratoin: 1 }, ['stages', 0], ['duration', 'target']);
    r.number(1.5, ['vus'], { integer: true, min: 0 });
    r.number('10', ['vus'], {});
    r.duration('-5s', ['d'], { bareUnit: 'ms' });
    r.duration('soon', ['d2'], { bareUnit: 's' });
    r.duration(0, ['d3'], { bareUnit: 's', positive: true });
    r.stringMap({ ok: 'x', bad: [] }, ['tags']);
    r.string('', ['name']);
    r.string('', ['name']);
    expect(r.problems.problems.map((p) => formatInputProblem(p))).toEqual([
      'stages[0].duratoin: unknown key "duratoin"; did you mean "duration"?',
      'vus: must be a whole number ≥ 0, got 1.5',
      'vus: must be a number, got "10"',
      'd: can\'t be negative, got "-5s"',
      'd2: must be a duration such as "30s", "1m30s" or "500ms" (a bare number is seconds), got "soon"',
      'd3: must be longer than 0, got 0',
      'tags.bad: must be a string, got a list',
      'name: must be a non-empty string, got ""',
    ]);
    expect(r.problems.problems[0]?.atKey).toBe(true);
  });
});

describe('InputFields (k6 options and scenarios)', () => {
  it('reads set fields with k6 rules: null is unset, a bare duration is ms, "" is a string', () => {
    const r = new InputReader();
    const f = r.fields(
      { vus: 5, gone: null, duration: 1500, text: '1m30s', exec: '', ok: true, tags: { a: 'b' } },
      ['options'],
    );
    expect(f.has('gone')).toBe(false);
    expect(f.int('vus', 1)).toBe(5);
    expect(f.int('gone', 7)).toBe(7);
    expect(f.duration('duration')).toBe(1500);
    expect(f.duration('text')).toBe(90_000);
    expect(f.duration('missing', 30_000)).toBe(30_000);
    expect(f.string('exec', 'default')).toBe('');
    expect(f.bool('ok', false)).toBe(true);
    expect(f.stringMap('tags')).toEqual({ a: 'b' });
    expect(f.stringMap('missing')).toEqual({});
    expect(f.stringList('missing', ['x'])).toEqual(['x']);
    expect(r.problems.count).toBe(0);
  });

  it('records one problem per wrong field at the path its namer gives (a CLI flag here)', () => {
    const r = new InputReader();
    const f = r.fields({ vus: 2.5, duration: 'soon', ok: 'yes', tags: 'x', list: [1] }, (...k) =>
      k[0] === 'vus' ? ['--vus', ...k.slice(1)] : ['options', ...k],
    );
    expect(f.int('vus', 1)).toBeUndefined();
    expect(f.duration('duration', 1)).toBeUndefined();
    expect(f.bool('ok', false)).toBe(false);
    expect(f.stringMap('tags')).toEqual({});
    expect(f.stringList('list')).toBeUndefined();
    expect(r.problems.problems.map((p) => formatInputProblem(p))).toEqual([
      '--vus: must be a whole number ≥ 0, got 2.5',
      'options.duration: must be a duration such as "30s", "1m30s" or "500ms" (a bare number is milliseconds), got "soon"',
      'options.ok: must be true or false, got "yes"',
      'options.tags: must be a map of names to strings, got "x"',
      'options.list[0]: must be a non-empty string, got 1',
    ]);
  });

  it('readDuration gives the same wording without recording', () => {
    expect(readDuration('2s', { bareUnit: 'ms' })).toEqual({ ms: 2000 });
    expect(readDuration('-1s', { bareUnit: 'ms' })).toEqual({
      problem: 'can\'t be negative, got "-1s"',
    });
    expect(readDuration(0, { bareUnit: 's', positive: true })).toEqual({
      problem: 'must be longer than 0, got 0',
    });
  });
});

describe('yamlPositionOf', () => {
  it('finds a value, a key, an alias target, and the deepest ancestor of a missing path', () => {
    const text = 'a:\n  b: &x 1\n  c: *x\nlist:\n  - k: v\n';
    const counter = new LineCounter();
    const at = yamlPositionOf(parseDocument(text, { lineCounter: counter }), counter);
    expect(at(['a', 'b'])).toEqual({ line: 2, column: 9 });
    expect(at(['a', 'c'])).toEqual({ line: 2, column: 9 });
    expect(at(['a', 'b'], true)).toEqual({ line: 2, column: 3 });
    expect(at(['list', 0, 'k'])).toEqual({ line: 5, column: 8 });
    expect(at(['list', 0, 'missing'])).toEqual({ line: 5, column: 5 });
  });
});
