import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildMcpConfig } from '../config.js';
import { GuardRails } from './guard-rails.js';

const root = mkdtempSync(join(tmpdir(), 'redline-mcp-rails-'));
const workspace = join(root, 'ws');
mkdirSync(workspace);
writeFileSync(join(workspace, 'script.js'), 'export default function () {}');
writeFileSync(join(root, 'secret.txt'), 'outside');
symlinkSync(join(root, 'secret.txt'), join(workspace, 'link.txt'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Guard rails with a resolver answering from a table (what DNS would say for those names). */
function rails(file: unknown, answers: Record<string, string[]> = {}): GuardRails {
  const config = buildMcpConfig(file, 'test.yaml', workspace);
  return new GuardRails(config, async (host) => {
    const a = answers[host];
    if (!a) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return a;
  });
}

describe('guard rails: targets', () => {
  it('checks every address a name resolves to (one outside is enough to refuse)', async () => {
    const r = rails(undefined, {
      'app.local': ['127.0.0.1', '::1'],
      'rebind.example': ['127.0.0.1', '93.184.216.34'],
    });
    await expect(r.checkHost('app.local', 'url')).resolves.toEqual(['127.0.0.1', '::1']);
    await expect(r.checkHost('rebind.example', 'url')).rejects.toThrow(
      'url: rebind.example (resolves to 93.184.216.34) is not an allowed target',
    );
    await expect(r.checkUrl('http://10.0.0.1:8080/x', 'url')).rejects.toMatchObject({
      code: 'MCP_REFUSED',
      hint: expect.stringContaining('targets.allow in test.yaml'),
    });
    await expect(r.checkUrl('http://2130706433/', 'url')).resolves.toBeInstanceOf(URL);
    await expect(r.checkUrl('file:///etc/passwd', 'url')).rejects.toThrow('unsupported scheme');
    await expect(r.checkHost('nowhere.invalid', 'url')).rejects.toMatchObject({
      code: 'MCP_TARGET_DNS',
    });
  });

  it('trusts listed names whatever they resolve to', async () => {
    const r = rails({ targets: { allow: ['127.0.0.0/8', 'staging.internal'] } }, {});
    await expect(r.checkHost('staging.internal', 'url')).resolves.toEqual([]);
  });

  it('pins a database URL to the address it checked, and refuses socket paths', async () => {
    const r = rails(undefined, { 'db.local': ['127.0.0.5'] });
    await expect(r.pinDatabaseUrl('postgres://u:pw@db.local:5432/test')).resolves.toBe(
      'postgres://u:pw@127.0.0.5:5432/test',
    );
    await expect(
      r.pinDatabaseUrl('postgres://u@127.0.0.1/test?host=/var/run/postgresql'),
    ).rejects.toThrow('the "host" parameter is not accepted');
    await expect(r.pinDatabaseUrl('mysql://root@10.9.9.9:3306/test')).rejects.toThrow(
      'not an allowed target',
    );
    await expect(r.pinDatabaseUrl('pglite:/etc')).rejects.toThrow('outside the workspace');
  });
});

describe('guard rails: limits, commands, files, slots', () => {
  it('refuses over the caps and names the setting', () => {
    const r = rails({ limits: { maxDuration: '1m', maxVUs: 5, maxConnections: 8, maxRate: 100 } });
    expect(() => r.checkDuration(61_000, 'duration')).toThrow(
      'duration is 1m1s, over the 1m limit',
    );
    expect(() => r.checkDuration(60_000, 'duration')).not.toThrow();
    expect(() => r.checkVUs(6)).toThrow(/over the limit of 5[\s\S]*/);
    expect(() => r.checkConnections(9)).toThrow('connections: 9, over the limit of 8');
    expect(() => r.checkRate(100.5)).toThrow('rate: 100.5/s, over the limit of 100/s');
    try {
      r.checkVUs(6);
    } catch (error) {
      expect((error as { hint: string }).hint).toContain('limits.maxVUs');
    }
  });

  it('allows exactly the listed commands, or a prefix ending with ...', () => {
    const r = rails({ profile: { commands: ['node server.js', ['npm', 'run', 'start', '...']] } });
    expect(() => r.checkCommand(['node', 'server.js'])).not.toThrow();
    expect(() => r.checkCommand(['node', 'server.js', '--inspect-brk'])).toThrow(
      'is not in the allowed commands',
    );
    expect(() => r.checkCommand(['node', 'other.js'])).toThrow('is not in the allowed commands');
    expect(() => r.checkCommand(['npm', 'run', 'start'])).not.toThrow();
    expect(() => r.checkCommand(['npm', 'run', 'start', '--', '-p', '3000'])).not.toThrow();
    expect(() => r.checkCommand(['npm', 'run'])).toThrow('is not in the allowed commands');
    expect(() => rails(undefined).checkCommand(['node', 'server.js'])).toThrow(
      'allowed commands (none)',
    );
    expect(() => rails(undefined).checkAttachPid()).toThrow(
      expect.objectContaining({ hint: expect.stringContaining('profile.allowAttachPid') }),
    );
  });

  it('keeps file access inside the workspace, symbolic links followed', () => {
    const r = rails(undefined);
    expect(r.resolvePath('script.js', 'script')).toBe(join(workspace, 'script.js'));
    expect(() => r.resolvePath('../secret.txt', 'script')).toThrow('is outside the workspace');
    expect(() => r.resolvePath('link.txt', 'script')).toThrow('is outside the workspace');
    expect(() => r.resolvePath('missing.js', 'script')).toThrow('does not exist');
    expect(r.resolvePath('new/out', 'outDir', false)).toBe(join(workspace, 'new/out'));
  });

  it('shares the long-run slots and frees them once', () => {
    const r = rails({ limits: { concurrentRuns: 1 } });
    const release = r.acquireRunSlot('run_load_test');
    expect(() => r.acquireRunSlot('profile_service')).toThrow('1 long run(s) already going');
    release();
    release();
    const again = r.acquireRunSlot('profile_service');
    expect(() => r.acquireRunSlot('audit_service')).toThrow('already going');
    again();
  });
});
