/**
 * The audit's profile step on Python and JVM targets Redline starts: the planted hot loop of each
 * service reaches the report's Bottleneck Analysis at its file:line, like a Node finding.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAuditConfig, runAudit } from '../../src/audit/index.js';
import { requireBinaries } from '../helpers/require-binary.js';

const ROOT = join(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'redline-audit-stacks-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const lineOf = (file: string, marker: string): number =>
  readFileSync(file, 'utf8')
    .split('\n')
    .findIndex((l) => l.includes(marker)) + 1;

async function audit(name: string, command: string[], url: string) {
  const { config, problems } = parseAuditConfig(
    {
      name,
      target: { url, command, cwd: ROOT, ready: { path: '/item', timeout: '60s' } },
      flow: { urls: ['/price'] },
      users: 4,
      steps: {
        baseline: { duration: '2s' },
        load: false,
        peak: false,
        stress: false,
        spike: false,
        soak: false,
        profile: { duration: '4s' },
        db: false,
      },
      out: join(dir, name),
    },
    { baseDir: dir },
  );
  expect(problems).toEqual([]);
  const run = await runAudit({
    config: config!,
    progress: { step() {}, result() {}, note() {}, warn() {} },
  });
  return { run, report: readFileSync(join(dir, name, 'report.md'), 'utf8') };
}

describe.skipIf(requireBinaries('python3').skip)('audit of a Python service', () => {
  it('profiles it with the sampler and reports the hot loop at its line', async () => {
    const app = join(ROOT, 'test/fixtures/apps/python/shop.py');
    const { run, report } = await audit('python-shop', ['python3', app], 'http://127.0.0.1:{port}');
    expect(run.result.profile?.sampleCount).toBeGreaterThan(0);
    const where = `test/fixtures/apps/python/shop.py:${lineOf(app, '# HOT')}`;
    expect(report).toContain('### Bottleneck Analysis');
    expect(report).toContain(where);
  }, 180_000);
});

describe.skipIf(requireBinaries('java', 'javac').skip)('audit of a JVM service', () => {
  it('profiles it through jcmd JFR.start/JFR.dump and reports the hot method', async () => {
    const classes = mkdtempSync(join(tmpdir(), 'redline-audit-java-'));
    const source = join(ROOT, 'test/fixtures/apps/java/shop/ShopServer.java');
    expect(spawnSync('javac', ['-d', classes, source]).status).toBe(0);
    try {
      const { run, report } = await audit(
        'java-shop',
        ['java', '-cp', classes, 'shop.ShopServer'],
        'http://127.0.0.1:{port}',
      );
      expect(run.result.profile?.sampleCount).toBeGreaterThan(0);
      expect(report).toContain(`shop/ShopServer.java:${lineOf(source, '// HOT')}`);
      expect(report).toContain('shop.ShopServer.priceOf');
    } finally {
      rmSync(classes, { recursive: true, force: true });
    }
  }, 180_000);
});
