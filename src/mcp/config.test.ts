import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildMcpConfig, DEFAULT_LIMITS, loadMcpConfig } from './config.js';

const dir = mkdtempSync(join(tmpdir(), 'redline-mcp-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('MCP guard-rail config', () => {
  it('has safe defaults without a file', () => {
    const config = loadMcpConfig(undefined, dir, {});
    expect(config.source).toBe('built-in defaults');
    expect(config.workspace).toBe(dir);
    expect(config.resultsDir).toBe(join(dir, 'redline-results'));
    expect(config.auditLog).toBe(join(dir, 'redline-results', 'mcp-calls.jsonl'));
    expect(config.targets.entries).toEqual(['127.0.0.0/8', '::1', 'localhost']);
    expect(config.limits).toEqual(DEFAULT_LIMITS);
    expect(config.profile).toEqual({ commands: [], allowAttachPid: false });
    expect(config.database).toEqual({
      allowAnalyzeWrites: false,
      allowStatsReset: false,
      maxTimeoutMs: 30_000,
    });
  });

  it('reads redline.mcp.yaml from the folder, paths relative to it', () => {
    writeFileSync(
      join(dir, 'redline.mcp.yaml'),
      [
        'results: out',
        'targets: { allow: [10.0.0.0/8, api.staging.internal] }',
        'limits: { maxDuration: 90s, maxVUs: 5, maxRate: 50 }',
        'profile:',
        '  commands:',
        '    - node dist/server.js',
        '    - [npm, run, start, "..."]',
        'database: { allowAnalyzeWrites: true, maxTimeout: 5s }',
        'secrets: [hunter2]',
      ].join('\n'),
    );
    const config = loadMcpConfig(undefined, dir, {});
    expect(config.source).toBe(join(dir, 'redline.mcp.yaml'));
    expect(config.resultsDir).toBe(join(dir, 'out'));
    expect(config.targets.allowsAddress('10.2.3.4')).toBe(true);
    expect(config.targets.allowsAddress('127.0.0.1')).toBe(false);
    expect(config.limits.maxDurationMs).toBe(90_000);
    expect(config.limits.maxVUs).toBe(5);
    expect(config.limits.maxConnections).toBe(DEFAULT_LIMITS.maxConnections);
    expect(config.profile.commands).toEqual([
      ['node', 'dist/server.js'],
      ['npm', 'run', 'start', '...'],
    ]);
    expect(config.database.maxTimeoutMs).toBe(5000);
    expect(config.secrets).toEqual(['hunter2']);
    rmSync(join(dir, 'redline.mcp.yaml'));
  });

  it('lists every problem of a bad file with the key path', () => {
    let error: { code?: string; problems?: string[]; exitCode?: number } = {};
    try {
      buildMcpConfig(
        {
          limits: { maxVUs: -1, maxDuration: 'soon' },
          targets: { allow: ['300.1.1.1/8x'] },
          typo: 1,
        },
        'bad.yaml',
        dir,
      );
    } catch (e) {
      error = e as typeof error;
    }
    expect(error.code).toBe('MCP_CONFIG_INVALID');
    expect(error.exitCode).toBe(104);
    expect(error.problems?.join('\n')).toMatch(/typo/);
    expect(error.problems?.join('\n')).toMatch(/limits\.maxVUs/);
    expect(error.problems?.join('\n')).toMatch(/limits\.maxDuration: expected a duration/);
  });

  it('names a bad allow-list entry', () => {
    expect(() => buildMcpConfig({ targets: { allow: ['10.0.0.0/40'] } }, 'x.yaml', dir)).toThrow(
      expect.objectContaining({
        problems: ['targets.allow: "10.0.0.0/40": the prefix length must be 0-32'],
      }),
    );
  });

  it('takes $REDLINE_MCP_CONFIG, and says when it cannot read it', () => {
    writeFileSync(join(dir, 'custom.json'), JSON.stringify({ limits: { maxVUs: 3 } }));
    expect(loadMcpConfig(undefined, dir, { REDLINE_MCP_CONFIG: 'custom.json' }).limits.maxVUs).toBe(
      3,
    );
    expect(() => loadMcpConfig('nope.yaml', dir, {})).toThrow(
      expect.objectContaining({ code: 'MCP_CONFIG_READ' }),
    );
  });
});
