/** The test environment as measured during the audit: host, cores, memory, Node, the target and its database. */
import { existsSync, readFileSync } from 'node:fs';
import { arch, availableParallelism, cpus, hostname, release, type } from 'node:os';
import { join } from 'node:path';
import type { AuditEnvironment } from '../results/audit-result.js';
import type { AuditTargetConfig } from './config/types.js';
import { memoryLimitBytes } from './target/proc-sampler.js';

/** Name and version of the target: from the config, else the package.json of its folder. */
export function describeTarget(target: AuditTargetConfig): { name: string; version?: string } {
  if (target.name)
    return target.version ? { name: target.name, version: target.version } : { name: target.name };
  const pkgPath = target.cwd ? join(target.cwd, 'package.json') : undefined;
  if (pkgPath && existsSync(pkgPath)) {
    try {
      const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as { name?: string; version?: string };
      if (pkg.name)
        return pkg.version ? { name: pkg.name, version: pkg.version } : { name: pkg.name };
    } catch {
      // An unreadable package.json: fall back to the URL.
    }
  }
  return { name: target.url };
}

/** Measures the machine and records the target and database. */
export function createEnvironment(
  target: AuditTargetConfig,
  database: { engine: string; version?: string } | undefined,
  notes: readonly string[],
): AuditEnvironment {
  const env: AuditEnvironment = {
    hostname: hostname(),
    platform: `${type()} ${release()} ${arch()}`,
    cores: availableParallelism(),
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    memoryBytes: memoryLimitBytes(),
    node: process.version,
    target: describeTarget(target),
  };
  if (database) env.database = database;
  if (notes.length > 0) env.notes = [...notes];
  return env;
}
