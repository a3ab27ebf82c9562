/**
 * Settings that make a dependency slow, read by the probe inside a real bluebird + pg app
 * (issue 14: bluebird's CPU was its long stack traces under NODE_ENV=development), and attached
 * to the hot-dependency finding of the package they explain. Healthy: a production setup reports
 * none of dev mode, debug logging or source maps, and other packages' findings are left alone.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { explainHotDependencies } from '../../src/findings/config-causes.js';
import type { Finding } from '../../src/findings/finding.js';
import type { ProbeReport, RuntimeSetting } from '../../src/probe/index.js';
import { readRuntimeSettings } from '../../src/probe/runtime-settings.js';
import { createPgDatabase, pgExec } from './pg-scratch.js';
import { BUILT_REGISTER, getMany, ROOT, startProbedApp } from './probe-harness.js';

const APP = 'promise-lib-pg.mjs';
let db: { url: string; drop: () => Promise<void> };

async function settingsOf(env: Record<string, string>, name = APP): Promise<RuntimeSetting[]> {
  const app = await startProbedApp(name, { DATABASE_URL: db.url, PROMISE_LIB: 'bluebird', ...env });
  expect(await getMany(app.port, '/light', 3)).toEqual([200, 200, 200]);
  const report: ProbeReport = await app.stop();
  return report.stats?.runtimeSettings ?? [];
}

let development: RuntimeSetting[];
let production: RuntimeSetting[];
let verbose: RuntimeSetting[];
let loggersVerbose: RuntimeSetting[];
let loggersInfo: RuntimeSetting[];
let otherLoggersVerbose: RuntimeSetting[];
let otherLoggersQuiet: RuntimeSetting[];
let hiddenVerbose: RuntimeSetting[];
const LOGGERS_APP = 'loggers-in-code.mjs';

beforeAll(async () => {
  db = await createPgDatabase('rl_settings');
  await pgExec(db.url, [readFileSync(join(ROOT, 'test/fixtures/apps/db/schema.sql'), 'utf8')]);
  development = await settingsOf({ NODE_ENV: 'development', DEBUG: '' });
  production = await settingsOf({ NODE_ENV: 'production', DEBUG: '', LOG_LEVEL: 'info' });
  verbose = await settingsOf({
    NODE_ENV: 'production',
    DEBUG: 'knex:*',
    LOG_LEVEL: 'debug',
    NODE_OPTIONS: `--import=${BUILT_REGISTER} --enable-source-maps`,
  });
  const quiet = { NODE_ENV: 'production', DEBUG: '' };
  loggersVerbose = await settingsOf(
    { ...quiet, PINO_IN_CODE: 'debug', DEBUG_IN_CODE: 'app:*' },
    LOGGERS_APP,
  );
  loggersInfo = await settingsOf({ ...quiet, PINO_IN_CODE: 'info' }, LOGGERS_APP);
  otherLoggersVerbose = await settingsOf(
    { ...quiet, WINSTON_IN_CODE: 'debug', BUNYAN_IN_CODE: 'trace', LOG4JS_IN_CODE: 'debug' },
    LOGGERS_APP,
  );
  // Healthy levels, and the places a verbose level hides: a winston transport's own level, a
  // bunyan child's own level.
  otherLoggersQuiet = await settingsOf(
    { ...quiet, WINSTON_IN_CODE: 'info', BUNYAN_IN_CODE: 'warn', LOG4JS_IN_CODE: 'error' },
    LOGGERS_APP,
  );
  hiddenVerbose = await settingsOf(
    { ...quiet, WINSTON_TRANSPORT_IN_CODE: 'silly', BUNYAN_CHILD_IN_CODE: 'debug' },
    LOGGERS_APP,
  );
}, 120_000);

afterAll(async () => {
  await db?.drop();
});

const ids = (list: RuntimeSetting[]) => list.map((s) => s.id);

function hotDependency(pkg: string): Finding {
  // The shape createCpuFindings gives a hot package (src/profiler/analysis/cpu-findings.ts).
  return {
    id: 'cpu.hot-dependency',
    area: 'cpu',
    title: `Dependency ${pkg} takes 25.8% of CPU`,
    severity: 'medium',
    impact: { share: 0.258, description: '25.8% of CPU time under load' },
    rootCause: `Code of the package ${pkg} runs for a large part of the time.`,
    recommendation: { text: 'replace it with a faster alternative.', effort: 'medium' },
    evidence: [],
    data: { package: pkg },
  };
}

describe('runtime settings read by the probe', () => {
  it('NODE_ENV=development: bluebird’s long stack traces are seen in the library itself', () => {
    const dev = development.find((s) => s.id === 'dev-mode');
    expect(dev?.packages).toContain('bluebird');
    expect(dev?.seen).toBe("NODE_ENV=development; bluebird's hasLongStackTraces() is true");
  });

  it('DEBUG, a debug LOG_LEVEL and --enable-source-maps are each seen', () => {
    expect(verbose.find((s) => s.id === 'debug-logging')?.seen).toBe(
      'DEBUG=knex:*, LOG_LEVEL=debug',
    );
    expect(verbose.find((s) => s.id === 'source-maps')?.seen).toBe(
      'NODE_OPTIONS=--enable-source-maps',
    );
  });

  it('stdout to a file is synchronous logging; the harness’s pipes are not', async () => {
    // The built module run in a child whose stdout is a file (what `node app > app.log` gives).
    const dir = mkdtempSync(join(tmpdir(), 'redline-settings-'));
    const log = openSync(join(dir, 'out.log'), 'w');
    const child = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { readRuntimeSettings } from ${JSON.stringify(pathToFileURL(join(ROOT, 'dist/probe/runtime-settings.js')).href)};
         process.stderr.write(JSON.stringify(readRuntimeSettings({ NODE_ENV: 'production' }, [])));`,
      ],
      { stdio: ['ignore', log, 'pipe'], encoding: 'utf8' },
    );
    closeSync(log);
    rmSync(dir, { recursive: true, force: true });
    const settings = JSON.parse(child.stderr) as RuntimeSetting[];
    expect(settings.map((s) => [s.id, s.seen])).toEqual([['sync-logging', 'stdout is a file']]);
    expect(production.find((s) => s.id === 'sync-logging')).toBeUndefined();
  });

  it('logger levels set in code: a pino logger at debug (its child inherits), debug.enable() in code', () => {
    const logging = loggersVerbose.find((s) => s.id === 'debug-logging');
    expect(logging?.seen).toBe(
      "debug.enable('app:*') in code; 1 pino logger(s) at level debug (read from the loggers)",
    );
    expect(logging?.packages).toEqual(expect.arrayContaining(['pino', 'debug']));
    expect(logging?.source).toBe('probe');
  });

  it('healthy: the same loggers at info in code, debug not enabled, are no debug logging', () => {
    expect(ids(loggersInfo)).not.toContain('debug-logging');
    // pino's synchronous destination is still named (a different cause, with its own fix).
    expect(loggersInfo.find((s) => s.id === 'sync-logging')?.seen).toBe(
      'pino is loaded (its default destination writes synchronously)',
    );
  });

  it('winston, bunyan and log4js loggers at debug/trace set in code are each read from the logger', () => {
    const logging = otherLoggersVerbose.find((s) => s.id === 'debug-logging');
    expect(logging?.seen).toBe(
      [
        '1 winston logger(s) at level debug (read from the loggers)',
        '1 bunyan logger(s) at level trace (read from the loggers)',
        '1 log4js logger(s) at level debug (read from the loggers)',
      ].join('; '),
    );
    // The finding of each hot logging package names the level before any replacement.
    for (const pkg of ['winston', 'bunyan', 'log4js']) {
      const [explained] = explainHotDependencies([hotDependency(pkg)], otherLoggersVerbose);
      expect(explained?.rootCause).toContain(`${pkg} logger(s) at level`);
      expect(explained?.recommendation.text).toMatch(/^First set the log level to info\/warn/);
    }
  });

  it('a verbose level on a winston transport or a bunyan child is read too', () => {
    expect(hiddenVerbose.find((s) => s.id === 'debug-logging')?.seen).toBe(
      [
        '1 winston logger(s) at level silly (read from the loggers)',
        '1 bunyan logger(s) at level debug (read from the loggers)',
      ].join('; '),
    );
  });

  it('healthy: winston at info, bunyan at warn, log4js at error are no debug logging', () => {
    expect(ids(otherLoggersQuiet)).not.toContain('debug-logging');
    expect(ids(loggersInfo)).not.toContain('debug-logging');
    const [untouched] = explainHotDependencies([hotDependency('winston')], otherLoggersQuiet);
    expect(untouched?.rootCause).not.toContain('logger(s) at level');
  });

  it('TypeScript compiled at run time: tsx and ts-node as they appear on the command line', () => {
    const seen = (execArgv: string[], env: Record<string, string> = {}) =>
      readRuntimeSettings({ NODE_ENV: 'production', ...env }, execArgv).find(
        (s) => s.id === 'typescript-at-runtime',
      )?.seen;
    // What the tsx CLI passes to node, and the ts-node forms of the docs.
    expect(
      seen([
        '--require',
        '/srv/app/node_modules/tsx/dist/preflight.cjs',
        '--import',
        'file:///srv/app/node_modules/tsx/dist/loader.mjs',
      ]),
    ).toBe('node started with tsx/dist/preflight.cjs');
    expect(seen(['--loader', 'ts-node/esm'])).toBe('node started with ts-node/esm');
    expect(seen([], { NODE_OPTIONS: '-r ts-node/register' })).toBe(
      'NODE_OPTIONS loads ts-node/register',
    );
    // Healthy: compiled JavaScript run by node, and a file merely named like a loader.
    expect(seen([])).toBeUndefined();
    expect(seen(['--import', '/srv/app/dist/tsxish.js'])).toBeUndefined();
    expect(ids(production)).not.toContain('typescript-at-runtime');
  });

  it('healthy: production without debug variables or source maps reports none of those', () => {
    expect(ids(production)).toEqual([]);
    expect(ids(verbose)).not.toContain('dev-mode');
  });
});

describe('attached to the hot-dependency finding', () => {
  it('bluebird under development: the setting comes first, replacement only after', () => {
    const [f] = explainHotDependencies([hotDependency('bluebird')], development);
    expect(f?.rootCause).toContain('Likely cause, a setting rather than the package');
    expect(f?.rootCause).toContain('long stack trace for every promise');
    expect(f?.recommendation.text).toMatch(/^First run with NODE_ENV=production/);
    expect(f?.recommendation.text).toContain('Only if bluebird stays hot: replace it');
    expect(f?.evidence).toContainEqual({
      label: 'setting (dev-mode)',
      value: "NODE_ENV=development; bluebird's hasLongStackTraces() is true",
      source: 'probe',
    });
  });

  it('healthy: production leaves bluebird’s finding as it was; a package no setting explains too', () => {
    const before = hotDependency('bluebird');
    expect(explainHotDependencies([before], production)).toEqual([before]);
    const lodash = hotDependency('lodash');
    expect(explainHotDependencies([lodash], development)).toEqual([lodash]);
  });
});
