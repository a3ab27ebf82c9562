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
  /**
   * Frames that only run when the setting is on: without a sample in one of them, the rule's
   * frames (which may also run with it off) name no cause. Undefined: `matches` is proof enough.
   */
  onlyWith?: (row: FunctionRow) => boolean;
  /** Least share of CPU (self time) that counts as a cause. */
  minShare: number;
  /** What was seen, given the share. */
  seen: (share: string) => string;
}

const file = (row: FunctionRow) => row.file ?? '';

const debugNode = (r: FunctionRow) => /(^|\/)node_modules\/debug\/src\/node\.js$/.test(file(r));
const debugCommon = (r: FunctionRow) => /(^|\/)node_modules\/debug\/src\/common\.js$/.test(file(r));

/** `debug`'s functions that run for enabled namespaces only (formatting and writing a line). */
const debugFormatting = (r: FunctionRow) =>
  (debugNode(r) && /^(formatArgs|getDate|log|formatters\.[oO])$/.test(r.name)) ||
  (debugCommon(r) && r.name === 'coerce');

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
    // Only an enabled namespace reaches debug's formatting (node.js: formatArgs, getDate, log,
    // the %o/%O formatters; common.js: coerce and the logger's own body past its `enabled` check).
    // Not counted: the modules' top-level code and setup (useColors, init, load: they run when
    // `debug` is required, enabled or not) and the `enabled` getter (common.js `get`).
    matches: (r) => debugFormatting(r) || (debugCommon(r) && r.name === 'debug'),
    // A disabled call still enters the logger's body (`debug`) and returns at its first line: on
    // a busy machine (load 20) that body, run before it is inlined, measured 2.3% of a 1.5 s
    // loop with DEBUG unset, and the cause was named for a namespace that formats nothing. Only
    // a sample in code that runs for an enabled namespace alone shows that one is enabled.
    onlyWith: debugFormatting,
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
    const proof = rule.onlyWith;
    if (proof && !tables.functions.some((row) => proof(row) && row.self > 0)) continue;
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
