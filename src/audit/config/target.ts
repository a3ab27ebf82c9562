/** `target:` (URL, command Redline starts, pid to measure) and `database:` of the audit config. */
import { resolve } from 'node:path';
import { FILE_DURATION, type InputPath, type InputReader } from '../../util/input-reader.js';
import type { AuditDatabaseConfig, AuditQuery, AuditTargetConfig } from './types.js';

const TARGET_KEYS = [
  'url',
  'command',
  'cwd',
  'env',
  'ready',
  'pid',
  'name',
  'version',
  'probe',
  'inspect',
  'pprof',
];

/** Splits a command line on spaces, keeping 'single' and "double" quoted parts together. */
export function splitCommand(text: string): string[] {
  const out: string[] = [];
  const pattern = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
    out.push(m[1] ?? m[2] ?? m[3] ?? '');
  }
  return out;
}

function readUrl(r: InputReader, value: unknown, path: InputPath): string | undefined {
  const url = r.string(value, path);
  if (url === undefined) return undefined;
  try {
    const parsed = new URL(url.replace('{port}', '1'));
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('scheme');
    return url.replace(/\/+$/, '');
  } catch {
    r.add(path, `must be an http:// or https:// URL, got ${JSON.stringify(url)}`);
    return undefined;
  }
}

function readReady(r: InputReader, raw: unknown, target: AuditTargetConfig): void {
  const ready = r.object(raw, ['target', 'ready'], ['path', 'timeout']);
  if (!ready) return;
  if (ready['path'] !== undefined) {
    const p = r.string(ready['path'], ['target', 'ready', 'path']);
    if (p !== undefined && !p.startsWith('/'))
      r.add(['target', 'ready', 'path'], 'must start with /');
    else if (p !== undefined) target.readyPath = p;
  }
  if (ready['timeout'] !== undefined)
    target.readyTimeoutMs =
      r.duration(ready['timeout'], ['target', 'ready', 'timeout'], FILE_DURATION) ??
      target.readyTimeoutMs;
}

function readCommand(r: InputReader, raw: unknown): string[] | undefined {
  const argv =
    typeof raw === 'string' ? splitCommand(raw) : r.stringList(raw, ['target', 'command'], true);
  if (argv && argv.length === 0) r.add(['target', 'command'], 'must not be empty');
  return argv && argv.length > 0 ? argv : undefined;
}

/** Reads `target:` (a URL text is accepted as a shorthand). */
export function readTarget(
  r: InputReader,
  raw: unknown,
  baseDir: string,
): AuditTargetConfig | undefined {
  if (raw === undefined) {
    r.add(['target'], 'is required (at least target.url)');
    return undefined;
  }
  const spec = typeof raw === 'string' ? { url: raw } : r.object(raw, ['target'], TARGET_KEYS);
  if (!spec) return undefined;
  const url = readUrl(r, spec['url'] ?? 'http://127.0.0.1:{port}', ['target', 'url']);
  if (!url) return undefined;
  const target: AuditTargetConfig = {
    url,
    readyPath: '/',
    readyTimeoutMs: 30_000,
    probe: true,
    inspect: true,
  };
  if (spec['command'] !== undefined) {
    const argv = readCommand(r, spec['command']);
    if (argv) target.command = argv;
  } else if (url.includes('{port}')) {
    r.add(
      ['target', 'url'],
      '{port} needs target.command (the port is picked when Redline starts the target)',
    );
  }
  if (spec['cwd'] !== undefined) {
    const cwd = r.string(spec['cwd'], ['target', 'cwd']);
    if (cwd !== undefined) target.cwd = resolve(baseDir, cwd);
  } else if (target.command) target.cwd = baseDir;
  if (spec['env'] !== undefined) {
    const env = r.stringMap(spec['env'], ['target', 'env'], true);
    if (env) target.env = env;
  }
  if (spec['ready'] !== undefined) readReady(r, spec['ready'], target);
  if (spec['pid'] !== undefined) {
    const pid = r.number(spec['pid'], ['target', 'pid'], { fromText: true, min: 1, integer: true });
    if (pid !== undefined) target.pid = pid;
  }
  for (const key of ['name', 'version', 'pprof'] as const) {
    if (spec[key] !== undefined) {
      const v = r.string(spec[key], ['target', key]);
      if (v !== undefined) target[key] = v;
    }
  }
  for (const key of ['probe', 'inspect'] as const) {
    if (spec[key] !== undefined) target[key] = r.boolean(spec[key], ['target', key]) ?? true;
  }
  return target;
}

function readQuery(r: InputReader, raw: unknown, path: InputPath): AuditQuery | undefined {
  const spec =
    typeof raw === 'string'
      ? { sql: raw }
      : r.object(raw, path, ['sql', 'params', 'name', 'route']);
  if (!spec) return undefined;
  const sql = r.string(spec['sql'], [...path, 'sql']);
  if (sql === undefined) return undefined;
  const query: AuditQuery = { sql };
  if (spec['params'] !== undefined) {
    if (Array.isArray(spec['params'])) query.params = spec['params'];
    else r.add([...path, 'params'], 'must be a list of values ($1, $2, ...)');
  }
  for (const key of ['name', 'route'] as const) {
    if (spec[key] !== undefined) {
      const v = r.string(spec[key], [...path, key]);
      if (v !== undefined) query[key] = v;
    }
  }
  return query;
}

/** Reads `database:` (a URL text is accepted as a shorthand). */
export function readDatabase(r: InputReader, raw: unknown): AuditDatabaseConfig | undefined {
  if (raw === undefined) return undefined;
  const spec =
    typeof raw === 'string'
      ? { url: raw }
      : r.object(
          raw,
          ['database'],
          ['url', 'queries', 'verifyIndex', 'statements', 'analyzeWrites'],
        );
  if (!spec) return undefined;
  const db: AuditDatabaseConfig = { queries: [], statements: true };
  if (spec['url'] !== undefined) {
    const url = r.string(spec['url'], ['database', 'url']);
    if (url !== undefined && !/^(postgres(ql)?|mysql|mariadb):\/\/|^pglite:/.test(url))
      r.add(['database', 'url'], 'must be postgres://…, mysql://… or pglite:<dir>');
    else if (url !== undefined) db.url = url;
  }
  if (spec['queries'] !== undefined) {
    if (!Array.isArray(spec['queries']))
      r.add(['database', 'queries'], 'must be a list of { sql, params }');
    else
      for (const [i, q] of spec['queries'].entries()) {
        const query = readQuery(r, q, ['database', 'queries', i]);
        if (query) db.queries.push(query);
      }
  }
  for (const key of ['verifyIndex', 'statements', 'analyzeWrites'] as const) {
    if (spec[key] !== undefined) {
      const v = r.boolean(spec[key], ['database', key]);
      if (v !== undefined) db[key] = v;
    }
  }
  return db;
}
