/** Command-line options of the demo entry (main.ts): flags to server options, the `--fix a,b` list to switch overrides. */
import { parseArgs } from 'node:util';
import { ExitCode } from '../errors/exit-codes.js';
import { RedlineError } from '../errors/redline-error.js';
import { DEMO_BOTTLENECKS } from './bottlenecks.js';
import type { DemoServerOptions } from './start.js';
import type { DemoBottleneckSwitches } from './switches.js';

/** The line `main.js` prints on stdout when ready; the URL follows the prefix. */
export const DEMO_READY_PREFIX = 'redline-demo listening on ';

/** `"sync-hash,n-plus-one"` → `{ syncHash: false, nPlusOne: false }`; unknown ids are a usage error. */
export function parseFixList(list: string | undefined): Partial<DemoBottleneckSwitches> {
  const overrides: Partial<DemoBottleneckSwitches> = {};
  if (list === undefined) return overrides;
  const unknown: string[] = [];
  for (const id of list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const bottleneck = DEMO_BOTTLENECKS.find((b) => b.id === id);
    if (bottleneck) overrides[bottleneck.option] = false;
    else unknown.push(id);
  }
  if (unknown.length > 0) {
    throw new RedlineError(
      'DEMO_BAD_OPTION',
      `unknown bottleneck id(s) in --fix: ${unknown.join(', ')}`,
      {
        exitCode: ExitCode.Usage,
        hint: `known ids: ${DEMO_BOTTLENECKS.map((b) => b.id).join(', ')}`,
      },
    );
  }
  return overrides;
}

/** The `--help` text of main.js. */
export const DEMO_USAGE = `usage: node dist/demo/main.js [options]
  --port <n>            port to listen on (default 0: a free port)
  --host <addr>         address to listen on (default 127.0.0.1)
  --fixed               remove every planted bottleneck
  --fix <ids>           fix only these: sync-hash,n-plus-one,missing-index,unpaginated,memory-leak
  --database-url <url>  use PostgreSQL (default: $DATABASE_URL, else embedded PGlite)
  --schema <name>       PostgreSQL schema (default redline_demo)
  --data-dir <dir>      PGlite: keep the database in this directory
  --no-cache            PGlite: do not use the seeded-data cache in the temp directory
  --users <n> --items <n> --orders <n>   seed volumes
Prints "${DEMO_READY_PREFIX}http://127.0.0.1:<port>" on stdout when ready; stops on SIGINT/SIGTERM.`;

/** Turns argv into server options; throws a usage RedlineError on bad input. */
export function parseDemoArgs(argv: string[], env: NodeJS.ProcessEnv): DemoServerOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      fixed: { type: 'boolean' },
      fix: { type: 'string' },
      'database-url': { type: 'string' },
      schema: { type: 'string' },
      'data-dir': { type: 'string' },
      'no-cache': { type: 'boolean' },
      users: { type: 'string' },
      items: { type: 'string' },
      orders: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new RedlineError('DEMO_BAD_OPTION', `--port must be 0..65535 (got ${values.port})`, {
      exitCode: ExitCode.Usage,
    });
  }
  const databaseUrl = values['database-url'] ?? env['DATABASE_URL'];
  const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));
  return {
    port,
    host: values.host ?? '127.0.0.1',
    fixed: values.fixed ?? false,
    bottlenecks: parseFixList(values.fix),
    ...(databaseUrl ? { databaseUrl } : {}),
    ...(values.schema ? { schema: values.schema } : {}),
    ...(values['data-dir'] ? { dataDir: values['data-dir'] } : {}),
    ...(values['no-cache'] ? { cacheDir: false as const } : {}),
    seed: { users: num(values.users), items: num(values.items), orders: num(values.orders) },
    onProgress: (message) => process.stderr.write(`redline-demo: ${message}\n`),
  };
}
