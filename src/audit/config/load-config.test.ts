/** Loading config files: YAML with line numbers in problems, TypeScript through esbuild, lookup by name. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isRedlineError, type RedlineError } from '../../errors/redline-error.js';
import { findConfigFile, loadAuditConfig } from './load-config.js';

const dir = mkdtempSync(join(tmpdir(), 'redline-audit-load-'));

async function failure(path: string): Promise<RedlineError> {
  try {
    await loadAuditConfig(path);
  } catch (error) {
    if (isRedlineError(error)) return error;
    throw error;
  }
  throw new Error('expected a RedlineError');
}

describe('loadAuditConfig', () => {
  it('points every YAML problem at its file:line', async () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(
      file,
      [
        'target: http://127.0.0.1:3000',
        'flow:',
        '  urls: [/health]',
        'steps:',
        '  soak:',
        '    duration: forever',
        'criteria:',
        '  p99: { target: 900ms, acceptable: 800ms }',
        'userz: 3',
        '',
      ].join('\n'),
    );
    const error = await failure(file);
    expect(error.code).toBe('E_AUDIT_CONFIG');
    expect(error.exitCode).toBe(104);
    expect(error.problems).toEqual([
      `${file}:9:1: userz: unknown key "userz"; did you mean "users"?`,
      `${file}:8:8: criteria.p99: target must be at most acceptable (target is the stricter limit)`,
      `${file}:6:15: steps.soak.duration: must be a duration such as "30s", "1m30s" or "500ms" (a bare number is seconds), got "forever"`,
    ]);
    expect(error.position).toEqual({ file, line: 9, column: 1 });
  });

  it('reports YAML syntax errors with their line', async () => {
    const file = join(dir, 'syntax.yml');
    writeFileSync(file, 'target: http://x\nflow: [\n');
    const error = await failure(file);
    expect(error.code).toBe('E_AUDIT_CONFIG_SYNTAX');
    expect(error.position?.line).toBeGreaterThanOrEqual(2);
  });

  it('loads a TypeScript config (default export, types erased, imports bundled)', async () => {
    writeFileSync(
      join(dir, 'criteria.ts'),
      'export const p95 = { target: "300ms", acceptable: "450ms" };\n',
    );
    const file = join(dir, 'redline.config.ts');
    writeFileSync(
      file,
      [
        "import { p95 } from './criteria';",
        'interface Shape { users: number }',
        'const shape: Shape = { users: 4 };',
        'export default {',
        "  name: 'shop',",
        "  target: 'http://127.0.0.1:3000',",
        "  flow: { urls: ['/items'] },",
        '  users: shape.users,',
        '  criteria: { p95 },',
        '};',
      ].join('\n'),
    );
    const config = await loadAuditConfig(file);
    expect(config.name).toBe('shop');
    expect(config.baseUsers).toBe(4);
    expect(config.criteria.p95).toEqual({ target: 300, acceptable: 450 });
    expect(config.source).toBe(file);
    expect(findConfigFile(dir)).toBe(file);
  });

  it('reports a TypeScript config that does not compile', async () => {
    const file = join(dir, 'broken.ts');
    writeFileSync(file, 'export default {\n  target: "http://x",\n  flow: [\n};\n');
    const error = await failure(file);
    expect(error.code).toBe('E_AUDIT_CONFIG_SYNTAX');
    expect(error.position?.file).toBe(file);
    expect(error.position?.line).toBe(4);
  });

  it('says so when the file is missing', async () => {
    const error = await failure(join(dir, 'nope.yaml'));
    expect(error.code).toBe('E_AUDIT_CONFIG_MISSING');
    expect(error.exitCode).toBe(66);
  });
});
