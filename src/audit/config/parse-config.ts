/** Validates a raw audit config (from YAML, JSON or a TS/JS module) into an {@link AuditConfig}. */
import { resolve } from 'node:path';
import { type InputProblem, InputReader } from '../../util/input-reader.js';
import { isRecord } from '../../util/is-record.js';
import { readCriteria } from './criteria.js';
import { collectSecrets, readFlow } from './flow.js';
import { type AuditSizing, readSteps } from './steps.js';
import { readDatabase, readTarget } from './target.js';
import type { AuditConfig } from './types.js';

/** Top-level keys of the config file. */
export const CONFIG_KEYS = [
  'name',
  'target',
  'database',
  'criteria',
  'flow',
  'users',
  'steps',
  'sizing',
  'out',
  'generator',
] as const;

/** Options of {@link parseAuditConfig}. */
export interface ParseConfigOptions {
  /** Folder relative paths are resolved against (the config file's folder). */
  baseDir: string;
  /** The file, for messages. */
  source?: string;
  /** Step sizes when the config does not say (`sizing:` in the file wins). */
  sizing?: AuditSizing;
}

/** The outcome: a config when there was no problem, and every problem found. */
export interface ParsedConfig {
  config?: AuditConfig;
  problems: InputProblem[];
}

function readSizing(r: InputReader, raw: unknown, fallback: AuditSizing): AuditSizing {
  if (raw === undefined) return fallback;
  if (raw === 'standard' || raw === 'compact') return raw;
  r.add(['sizing'], `must be "standard" or "compact", got ${JSON.stringify(raw)}`);
  return fallback;
}

function readLagShare(r: InputReader, raw: unknown): number {
  if (raw === undefined) return 0.5;
  const g = r.object(raw, ['generator'], ['maxLagShare']);
  if (!g || g['maxLagShare'] === undefined) return 0.5;
  return (
    r.number(g['maxLagShare'], ['generator', 'maxLagShare'], {
      fromText: true,
      min: 0.01,
      max: 10,
    }) ?? 0.5
  );
}

function dbPassword(url: string | undefined): string[] {
  const m = url ? /^[a-z][a-z0-9+.-]*:\/\/[^:/?#@]*:([^@/?#]+)@/i.exec(url) : null;
  return m?.[1] ? [m[1], decodeURIComponent(m[1])] : [];
}

/**
 * Checks the whole config and reports every problem at once. Rows of `criteria` not given keep
 * Redline's table [ref: success-criteria]; steps not given keep the sizing's defaults (`standard` unless told).
 */
export function parseAuditConfig(raw: unknown, options: ParseConfigOptions): ParsedConfig {
  const r = new InputReader();
  if (!isRecord(raw)) {
    r.add([], 'the config must be a map (target, flow, criteria, users, steps, ...)');
    return { problems: r.problems.problems };
  }
  r.object(raw, [], CONFIG_KEYS);
  const base = options.baseDir;
  const target = readTarget(r, raw['target'], base);
  const database = readDatabase(r, raw['database']);
  const criteria = readCriteria(r, raw['criteria']);
  const flow = readFlow(r, raw['flow'], base);
  const users =
    raw['users'] === undefined
      ? 10
      : r.number(raw['users'], ['users'], { fromText: true, min: 1, max: 100_000, integer: true });
  const sizing = readSizing(r, raw['sizing'], options.sizing ?? 'standard');
  const steps = readSteps(r, raw['steps'], users ?? 10, sizing);
  const name = raw['name'] === undefined ? undefined : r.string(raw['name'], ['name']);
  const out = raw['out'] === undefined ? 'redline-report' : r.string(raw['out'], ['out']);
  const maxGeneratorLagShare = readLagShare(r, raw['generator']);
  if (r.problems.count > 0 || !target || !flow || users === undefined || out === undefined) {
    return { problems: r.problems.problems };
  }
  const secrets = collectSecrets(raw['flow']);
  collectSecrets(target.env ?? {}, secrets);
  for (const p of dbPassword(database?.url)) secrets.add(p);
  const config: AuditConfig = {
    target,
    criteria,
    flow,
    baseUsers: users,
    steps,
    outDir: resolve(base, out),
    maxGeneratorLagShare,
    secrets: [...secrets],
  };
  if (name !== undefined) config.name = name;
  if (options.source) config.source = options.source;
  if (database) config.database = database;
  return { config, problems: [] };
}
