import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { calleeIdentifier, findCallSite, findFunctionBody } from './call-site.js';

const source = [
  'function login(password) {', // 1
  "  const s = '{ pbkdf2Sync( }'; // pbkdf2Sync(", // 2
  '  const re = /[{(]/g;', // 3
  // biome-ignore lint/suspicious/noTemplateCurlyInString: JavaScript source text with a template literal
  '  const hash = crypto.pbkdf2Sync(password, salt, 2e3, 32, `x${{ a: 1 }.a}`);', // 4
  '  return hash;', // 5
  '}', // 6
  'const later = () => pbkdf2Sync(1);', // 7
  'serve((req, res) => { res.end(HOST.test(x) ? "a" : "b"); });', // 8
  'const arrow = x => x.parse(1), other = 2;', // 9
].join('\n');

describe('findFunctionBody', () => {
  it('skips strings, comments, regexes and template braces', () => {
    const body = findFunctionBody(source, source.indexOf('(password)'));
    expect(source.slice(body!.start, body!.end).trim().endsWith('return hash;\n}')).toBe(true);
  });
  it('finds expression bodies of arrows', () => {
    const at = source.indexOf('x => x.parse');
    const body = findFunctionBody(source, at);
    expect(source.slice(body!.start, body!.end)).toBe('x.parse(1)');
  });
  it('returns undefined when the position is not a function', () => {
    expect(findFunctionBody('const a = 1;', 6)).toBeUndefined();
  });
});

describe('findCallSite', () => {
  it('finds the call line inside the caller, not in strings, comments or other functions', () => {
    expect(findCallSite(source, 1, 15, 'pbkdf2Sync')).toEqual({ line: 4, column: 23 });
  });
  it('matches regular-expression callees through RegExp methods', () => {
    const column = source.split('\n')[7]!.indexOf('(req') + 1;
    expect(findCallSite(source, 8, column, 'RegExp: ^a+$')?.line).toBe(8);
  });
  it('returns undefined when the callee is not called there', () => {
    expect(findCallSite(source, 1, 15, 'scryptSync')).toBeUndefined();
  });
  it('reduces qualified callee names to the called identifier', () => {
    expect(calleeIdentifier('Socket._writeGeneric')).toBe('_writeGeneric');
    expect(calleeIdentifier('get length')).toBe('length');
    expect(calleeIdentifier('(anonymous)')).toBeUndefined();
  });
});

describe('findCallSite on test/fixtures/calibration/heap-call-site', () => {
  const file = join(
    import.meta.dirname,
    '../../../test/fixtures/calibration/heap-call-site/app.js',
  );
  const app = readFileSync(file, 'utf8');
  const at = (name: string): { line: number; column: number } => {
    const offset = app.indexOf(`function ${name}(`) + 'function '.length;
    const before = app.slice(0, offset).split('\n');
    return { line: before.length, column: (before.at(-1)?.length ?? 0) + 1 };
  };
  const lineOf = (marker: string): number =>
    app.split('\n').findIndex((l) => l.includes(marker)) + 1;

  it('names no line when the callee is called on two lines (the profile cannot tell which)', () => {
    const { line, column } = at('twoCalls');
    expect(lineOf('PLANTED')).toBeGreaterThan(0);
    expect(findCallSite(app, line, column, 'map')).toBeUndefined();
  });

  it('names the line of a single call (healthy)', () => {
    const { line, column } = at('oneCall');
    expect(findCallSite(app, line, column, 'map')?.line).toBe(lineOf('ONE-CALL'));
  });
});
