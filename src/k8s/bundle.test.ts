/** The files shipped with a script: its local imports, opened data files, npm packages, --include. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { collectScriptBundle } from './bundle.js';

let dir: string;

function write(path: string, text: string): string {
  const full = join(dir, path);
  mkdirSync(dirname(full), { recursive: true });
  writeFileSync(full, text);
  return full;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'redline-k8s-bundle-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('collectScriptBundle', () => {
  it('ships local imports from other folders, opened files, TypeScript, keeping relative paths', async () => {
    write('shared/config.ts', "export const base: string = 'http://127.0.0.1:3000';\n");
    write('tests/data/users.csv', 'name\na\n');
    write('tests/helper.js', "export const users = open('./data/users.csv');\n");
    const script = write(
      'tests/load.ts',
      [
        "import http from 'k6/http';",
        "import { check } from 'k6';",
        "import { randomItem } from 'https://jslib.k6.io/k6-utils/1.4.0/index.js';",
        "import { base } from '../shared/config.ts';",
        "import { users } from './helper.js';",
        'export default function () { check(http.get(base), {}); randomItem([users]); }',
        '',
      ].join('\n'),
    );
    const bundle = await collectScriptBundle(script);
    expect(bundle.root).toBe(dir);
    expect(bundle.script).toBe('tests/load.ts');
    expect(bundle.files.map((f) => f.path)).toEqual([
      'shared/config.ts',
      'tests/data/users.csv',
      'tests/helper.js',
      'tests/load.ts',
    ]);
    expect(bundle.files.find((f) => f.path === 'tests/data/users.csv')?.content.toString()).toBe(
      'name\na\n',
    );
    expect(bundle.notes).toEqual([]);
  });

  it('ships the npm packages the script imports with their package.json', async () => {
    write(
      'node_modules/@acme/ids/package.json',
      JSON.stringify({ name: '@acme/ids', main: 'lib/index.js' }),
    );
    write('node_modules/@acme/ids/lib/index.js', 'module.exports.id = () => 42;\n');
    write('node_modules/@acme/ids/README.md', 'not needed\n');
    const script = write(
      'test.js',
      "import { id } from '@acme/ids';\nexport default function () { id(); }\n",
    );
    const paths = (await collectScriptBundle(script)).files.map((f) => f.path);
    expect(paths).toEqual([
      'node_modules/@acme/ids/lib/index.js',
      'node_modules/@acme/ids/package.json',
      'test.js',
    ]);
  });

  it('a computed or missing open() path is a warning naming file:line; --include ships the file', async () => {
    write('data/a.json', '{}');
    const script = write(
      'test.js',
      [
        "const name = __ENV.DATA || 'a.json';",
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the script's own template literal
        'const data = open(`./data/${name}`);',
        "const gone = __ENV.OLD ? open('./old.json') : '';",
        'export default function () {}',
        '',
      ].join('\n'),
    );
    const bundle = await collectScriptBundle(script, [join(dir, 'data/a.json')]);
    expect(bundle.files.map((f) => f.path)).toEqual(['data/a.json', 'test.js']);
    expect(bundle.notes).toHaveLength(2);
    expect(bundle.notes).toEqual(
      expect.arrayContaining([
        expect.stringContaining(`${script}:2: open() with a computed path`),
        expect.stringContaining(`${script}:3: open("./old.json"): no such file here`),
      ]),
    );
  });

  it('a YAML plan is shipped alone', async () => {
    const plan = write('plan.yaml', 'target: http://127.0.0.1:3000\n');
    const bundle = await collectScriptBundle(plan);
    expect(bundle.files.map((f) => f.path)).toEqual(['plan.yaml']);
  });

  it('errors: a missing script (66), an import that does not resolve (107, file:line), a missing --include (66)', async () => {
    await expect(collectScriptBundle(join(dir, 'nope.js'))).rejects.toMatchObject({
      code: 'E_SCRIPT_NOT_FOUND',
      exitCode: 66,
    });
    const broken = write(
      'broken.js',
      "import { x } from './missing.js';\nexport default () => x;\n",
    );
    await expect(collectScriptBundle(broken)).rejects.toMatchObject({
      code: 'E_K8S_BUNDLE',
      exitCode: 107,
      problems: [expect.stringMatching(/broken\.js:1:\d+: Could not resolve "\.\/missing\.js"/)],
    });
    const ok = write('ok.js', 'export default () => {};\n');
    await expect(collectScriptBundle(ok, [join(dir, 'absent.csv')])).rejects.toMatchObject({
      code: 'E_K8S_INCLUDE',
      exitCode: 66,
    });
  });
});
