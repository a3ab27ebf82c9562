/** The measured test environment as label/value rows and a one-line infrastructure summary. */

import type { AuditEnvironment, DbServerMeasure } from '../../results/audit-result.js';
import type { RunResultFile } from '../../results/run-result.js';

function gib(bytes: number): string {
  return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
}

/** Normalises a run's environment to the audit's shape. */
export function environmentFromRun(run: RunResultFile): AuditEnvironment {
  const e = run.environment;
  return {
    hostname: e.hostname,
    platform: e.platform,
    cores: e.cpus,
    cpuModel: e.cpuModel,
    memoryBytes: e.memoryBytes,
    node: e.node,
  };
}

/** Label/value rows: host, CPU, memory, Node, target, database, notes. */
export function environmentRows(
  env: AuditEnvironment,
  dbServer?: DbServerMeasure,
): Array<[string, string]> {
  const rows: Array<[string, string]> = [
    ['Host', `${env.hostname} (${env.platform})`],
    ['CPU', `${env.cores} cores, ${env.cpuModel}`],
    ['Memory', gib(env.memoryBytes)],
    ['Node.js', env.node],
  ];
  rows.push([
    'Target',
    env.target ? `${env.target.name} ${env.target.version ?? '(version unknown)'}` : 'not recorded',
  ]);
  rows.push([
    'Database',
    env.database
      ? `${env.database.engine} ${env.database.version ?? '(version unknown)'}`
      : 'not recorded',
  ]);
  if (dbServer)
    rows.push([
      'Database server CPU',
      dbServer.measured ? `measured: ${dbServer.scope}` : dbServer.scope,
    ]);
  for (const note of env.notes ?? []) rows.push(['Note', note]);
  return rows;
}

/** One line for "Infrastructure:": `2 cores (model), 24.0 GiB, linux x64, Node v20; target x 1.2; PostgreSQL 15`. */
export function describeInfrastructure(env: AuditEnvironment): string {
  const parts = [
    `${env.cores} cores (${env.cpuModel}), ${gib(env.memoryBytes)}, ${env.platform}, Node ${env.node}`,
  ];
  if (env.target) parts.push(`target ${env.target.name} ${env.target.version ?? ''}`.trim());
  if (env.database) parts.push(`${env.database.engine} ${env.database.version ?? ''}`.trim());
  return parts.join('; ');
}
