import { parse } from 'acorn';
import { describe, expect, it } from 'vitest';
import type { BundleOutput } from './bundle.js';
import { INIT_EXPORTS_EXPORT, INIT_FACTORY_EXPORT, wrapInitFactory } from './init-factory.js';

/** A bundle as esbuild writes it (banner on line 1, imports between modules, one export clause). */
const CODE = [
  "import { createRequire as __c } from 'node:module'; const require = __c(import.meta.url);",
  '// s.js',
  'import http from "k6/http";',
  '// lib.js',
  'import { check } from "k6";',
  'var n = 0;',
  'function helper() { n++; check(n, {}); }',
  'var options = { vus: 2 };',
  'function s_default() { helper(); return n; }',
  'export {',
  '  s_default as default,',
  '  options',
  '};',
  '',
].join('\n');

function bundle(code: string): BundleOutput {
  // One segment per line (col 0 -> source 0, same line), and one on the k6 import's name.
  const mappings = code
    .split('\n')
    .map((_, i) => [[0, 0, i, 0]] as Array<[number, number, number, number]>);
  mappings[4]?.push([9, 0, 4, 9]);
  return { code, map: { version: 3, names: [], sources: ['/s.js'], mappings } as never };
}

describe('wrapInitFactory', () => {
  it('moves imports to line 1, wraps the init code and returns the exports', () => {
    const out = wrapInitFactory(bundle(CODE));
    expect(out).toBeDefined();
    const code = out!.code;
    parse(code, { ecmaVersion: 'latest', sourceType: 'module' });
    const lines = code.split('\n');
    // Every line of the user's code stays where it was.
    expect(lines.slice(5, 9)).toEqual(CODE.split('\n').slice(5, 9));
    expect(lines[2]!.trim()).toBe('');
    expect(lines[0]).toContain('import http from "k6/http";');
    expect(lines[0]).toContain(`export const ${INIT_EXPORTS_EXPORT} = ["default","options"];`);
    expect(lines[0]).toMatch(
      new RegExp(
        `export const ${INIT_FACTORY_EXPORT} = \\(\\(f\\) => f\\)\\(async function \\(\\) \\{$`,
      ),
    );
    expect(lines[9]).toBe('return { "default": s_default, "options": options };');
    // The moved import keeps its mappings (at its new column on line 1).
    const col = lines[0]!.indexOf('import { check }');
    const line1 = out!.map.mappings[0]!;
    expect(line1.some((s) => s[0] === col && s[2] === 4 && s[3] === 0)).toBe(true);
    expect(line1.some((s) => s[0] === col + 9 && s[2] === 4 && s[3] === 9)).toBe(true);
    expect(out!.map.mappings.length).toBe(bundle(CODE).map.mappings.length);
  });

  it('gives every call its own module state', async () => {
    const code = [
      'const banner = 1;',
      'let n = 0;',
      'const pick = Math.random();',
      'function next() { return ++n; }',
      'export { next, pick };',
      '',
    ].join('\n');
    const out = wrapInitFactory(bundle(code))!;
    const url = `data:text/javascript;base64,${Buffer.from(out.code).toString('base64')}`;
    const mod = (await import(url)) as Record<string, () => Promise<{ next: () => number }>>;
    const a = await mod[INIT_FACTORY_EXPORT]!();
    const b = await mod[INIT_FACTORY_EXPORT]!();
    expect([a.next(), a.next(), b.next()]).toEqual([1, 2, 1]);
  });

  it('leaves shapes it does not handle alone', () => {
    expect(wrapInitFactory(bundle('let b;\nexport * from "k6";\n'))).toBeUndefined();
    expect(wrapInitFactory(bundle('let b;\nexport const x = 1;\n'))).toBeUndefined();
    expect(wrapInitFactory(bundle('const a = `\nx`;\nexport { a };\n'))).toBeUndefined();
    expect(wrapInitFactory(bundle('let b;\nexport { a } from "k6";\n'))).toBeUndefined();
    expect(wrapInitFactory(bundle('let b; // banner\nexport { b };\n'))).toBeUndefined();
    expect(wrapInitFactory(bundle('let b; /* x\n */ export { b };\n'))).toBeUndefined();
    expect(wrapInitFactory(bundle('let b;\nexport { b };\n'))).toBeDefined();
  });
});
