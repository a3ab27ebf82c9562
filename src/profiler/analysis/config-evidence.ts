/**
 * Configuration causes read from a CPU profile alone (`redline analyze`, and `redline profile`
 * without the probe): the CPU spent in code that only runs because of a setting — bluebird's
 * long stack traces (js/release/debuggability.js), source positions mapped at run time (Node's
 * internal/source_map, source-map-support), TypeScript compiled at run time (ts-node, tsx,
 * typescript, @babel/register), synchronous writes (fs.writeSync, SyncWriteStream), enabled
 * `debug` namespaces (its formatting only runs for enabled ones). Each becomes a cause that
 * findings/config-causes.ts attaches to the matching hot-dependency finding.
 *
 * Read from the functions table (its first rows by self time): a cost spread over many small
 * functions below the table's cut is not counted.
 */
import {
  CONFIG_CAUSE_TEXT,
  type ConfigCause,
  type ConfigCauseId,
} from '../../findings/config-causes.js';
import type { FunctionRow, ProfileTables } from './tables.js';

interface EvidenceRule {
  id: Exclude<ConfigCauseId, 'dev-mode'>;
  /** The frames that only run because of the setting. */
  matches: (row: FunctionRow) => boolean;
  /** Least share of CPU (self time) that counts as a cause. */
  minShare: number;
  /** What was seen, given the share. */
  seen: (share: string) => string;
}

const file = (row: FunctionRow) => row.file ?? '';

const RULES: EvidenceRule[] = [
  {
    id: 'long-stack-traces',
    matches: (r) => /bluebird\/js\/(release|browser)\/debuggability\.js$/.test(file(r)),
    minShare: 0.05,
    seen: (s) => `${s} of CPU in bluebird's long-stack-trace code (js/release/debuggability.js)`,
  },
  {
    id: 'source-maps',
    matches: (r) =>
      /(^|\/|node:)internal\/source_map\/|(^|\/)node_modules\/(source-map-support|source-map|source-map-js)\//.test(
        file(r),
      ),
    minShare: 0.02,
    seen: (s) => `${s} of CPU mapping stack traces to sources (source-map code on the stacks)`,
  },
  {
    id: 'typescript-at-runtime',
    matches: (r) =>
      /(^|\/)node_modules\/(typescript\/lib\/|ts-node\/|tsx\/dist\/|@babel\/(core|register)\/|@swc-node\/)/.test(
        file(r),
      ),
    minShare: 0.02,
    seen: (s) => `${s} of CPU in a TypeScript compiler or loader (ts-node, tsx, typescript, babel)`,
  },
  {
    id: 'sync-logging',
    matches: (r) =>
      (r.name === 'writeSync' && /(^|\/|node:)fs$/.test(file(r))) ||
      /internal\/fs\/sync_write_stream|(^|\/)node_modules\/sonic-boom\//.test(file(r)),
    minShare: 0.02,
    seen: (s) => `${s} of CPU in synchronous writes (fs.writeSync, SyncWriteStream, sonic-boom)`,
  },
  {
    id: 'debug-logging',
    // Only an enabled namespace reaches debug's formatting (node.js: formatArgs, getDate,
    // formatters; common.js: the logger's own body); a disabled call stops in the `enabled`
    // getter (common.js `get`), which is not counted.
    matches: (r) =>
      /(^|\/)node_modules\/debug\/src\/node\.js$/.test(file(r)) ||
      (/(^|\/)node_modules\/debug\/src\/common\.js$/.test(file(r)) && r.name === 'debug'),
    // A smaller bar: most of an enabled debug's cost is in util.inspect and the write, not here.
    minShare: 0.01,
    seen: (s) => `${s} of CPU formatting \`debug\` output (only enabled namespaces format)`,
  },
];

/** The configuration causes the profile shows (none when no rule's frames reach its share). */
export function readProfileConfigCauses(tables: ProfileTables): ConfigCause[] {
  const out: ConfigCause[] = [];
  for (const rule of RULES) {
    const share = tables.functions
      .filter(rule.matches)
      .reduce((sum, row) => sum + row.selfShare, 0);
    if (share < rule.minShare) continue;
    const text = CONFIG_CAUSE_TEXT[rule.id];
    out.push({
      id: rule.id,
      packages: text.packages,
      seen: rule.seen(`${(share * 100).toFixed(1)}%`),
      cause: text.cause,
      fix: text.fix,
      source: 'profile',
    });
  }
  return out;
}
