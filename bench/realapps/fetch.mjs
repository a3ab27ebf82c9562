#!/usr/bin/env node
// Fetches the services of the real-services study (docs/realapps.md) into bench/realapps/apps/<name>
// at their pinned commits, and makes each runnable here from nothing. The repositories are not
// vendored: each is cloned from $REALAPPS_GIT_BASE/<owner>/<repo> (default https://github.com), or
// from a local mirror when $REALAPPS_MIRRORS holds <owner>+<repo>/repo git directories. For every
// service it then makes the changes docs/realapps.md lists (small scripted edits of their
// package.json, config and entry files: their code stays theirs), installs with npm, builds,
// (re)creates the service's private database and creates the schema with the service's own
// migrations (knex, kysely) or start-up synchronisation (TypeORM, Sequelize, MikroORM). Then
// `node bench/realapps/run.mjs <name>` seeds and audits it. Usage:
//   node bench/realapps/fetch.mjs [name ...]      (default: every service not fetched yet)
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SERVICES } from './services.mjs';

const here = dirname(fileURLToPath(import.meta.url));

function run(cmd, args, cwd, env) {
  const r = spawnSync(cmd, args, {
    cwd,
    stdio: 'inherit',
    timeout: 15 * 60_000,
    env: env ? { ...process.env, ...env } : process.env,
  });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status ?? r.signal}`);
}

function source(repo) {
  const mirror = process.env.REALAPPS_MIRRORS;
  if (mirror) {
    const dir = join(mirror, `${repo.replace('/', '+')}`, 'repo');
    if (existsSync(dir)) return dir;
  }
  return `${process.env.REALAPPS_GIT_BASE ?? 'https://github.com'}/${repo}`;
}

/** Replaces `from` by `to` in a file of the checkout; throws when `from` is not there. */
function edit(dir, file, from, to) {
  const path = join(dir, file);
  const text = readFileSync(path, 'utf8');
  if (!text.includes(from)) throw new Error(`${file}: expected text not found: ${from}`);
  writeFileSync(path, text.split(from).join(to));
}

/** Rewrites the checkout's package.json with `change(pkg)`. */
function editPackage(dir, change) {
  const file = join(dir, 'package.json');
  const pkg = JSON.parse(readFileSync(file, 'utf8'));
  change(pkg);
  writeFileSync(file, `${JSON.stringify(pkg, null, 2)}\n`);
}

/** Creates the service's private database, empty (dropped first when it exists). */
function createDatabase(service) {
  if (service.db.engine === 'postgres') {
    const psql = (sql) =>
      run('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-d', 'postgres', '-q', '-c', sql]);
    psql(`DROP DATABASE IF EXISTS ${service.db.name} WITH (FORCE)`);
    psql(`CREATE DATABASE ${service.db.name}`);
  } else
    run('mysql', [
      '-h',
      '127.0.0.1',
      '-uroot',
      '-e',
      `CREATE DATABASE IF NOT EXISTS ${service.db.name}`,
    ]);
}

/** The changes docs/realapps.md lists for each service, then install, build and schema. */
const SETUP = {
  koa(dir, service) {
    const url = `postgres://postgres@127.0.0.1:5432/${service.db.name}`;
    // pg 7 cannot connect on Node 20; bcrypt's native build downloads its binary (bcryptjs has
    // the same API); `config` reads the YAML files only with js-yaml; sqlite3 4 (unused on pg)
    // builds natively; the dev dependencies (jest, eslint, husky) are not needed to run it.
    editPackage(dir, (pkg) => {
      const deps = pkg.dependencies;
      delete deps.bcrypt;
      delete deps.sqlite3;
      deps.bcryptjs = '2.4.3';
      deps.pg = '8.13.1';
      deps['js-yaml'] = '3.14.1';
      delete pkg.devDependencies;
      delete pkg.husky;
    });
    edit(dir, 'src/controllers/users-controller.js', 'require("bcrypt")', 'require("bcryptjs")');
    edit(dir, 'src/seeds/01-users.js', 'require("bcrypt")', 'require("bcryptjs")');
    run('npm', ['install', '--no-audit', '--no-fund'], dir);
    createDatabase(service);
    // The schema from the service's own knex migration.
    run(process.execPath, ['node_modules/knex/bin/cli.js', 'migrate:latest'], dir, {
      NODE_ENV: 'production',
      DB_CLIENT: 'pg',
      DB_CONNECTION: url,
    });
  },

  async nest(dir, service) {
    // TypeORM on PostgreSQL (the example config is MySQL, whose `mysql` driver the probe does not
    // instrument); `synchronize` creates the schema from the entities, as the example config does.
    writeFileSync(
      join(dir, 'ormconfig.json'),
      `${JSON.stringify(
        {
          type: 'postgres',
          host: '127.0.0.1',
          port: 5432,
          username: 'postgres',
          database: service.db.name,
          entities: ['dist/**/**.entity.js'],
          synchronize: true,
        },
        null,
        2,
      )}\n`,
    );
    writeFileSync(
      join(dir, 'src/config.ts'),
      "export const SECRET = process.env.JWT_SECRET ?? 'secret-key';\n",
    );
    // argon2 0.41 ships its types as .d.cts, which the service's TypeScript 3.8 cannot read.
    writeFileSync(
      join(dir, 'src/argon2.d.ts'),
      `declare module 'argon2' {
  export function hash(plain: string): Promise<string>;
  export function verify(hash: string, plain: string): Promise<boolean>;
}
`,
    );
    edit(
      dir,
      'src/main.ts',
      'await app.listen(3000);',
      'await app.listen(Number(process.env.PORT ?? 3000));',
    );
    // argon2 0.26 builds natively (its prebuilt binaries are for old Node versions); the dev
    // dependencies (jest, nodemon) are not needed to build or run it.
    editPackage(dir, (pkg) => {
      pkg.dependencies.argon2 = '0.41.1';
      pkg.dependencies.pg = '8.13.1';
      pkg.devDependencies = { '@types/node': pkg.devDependencies['@types/node'] };
    });
    // The lock file names a registry mirror that no longer resolves: versions from the ranges.
    rmSync(join(dir, 'package-lock.json'));
    run('npm', ['install', '--no-audit', '--no-fund'], dir);
    // `--types node`: not the type packages of a parent folder's node_modules.
    run('npx', ['tsc', '-p', 'tsconfig.json', '--types', 'node'], dir);
    createDatabase(service);
    // TypeORM's \`synchronize\` creates the schema at the first start.
    await migrate(dir, service);
  },

  fastify(dir, service) {
    // fastify-list-routes 1.0.0 is not published (2.0.0 has the same plugin API).
    editPackage(dir, (pkg) => {
      pkg.dependencies['fastify-list-routes'] = '2.0.0';
      // `prepare` runs tsc during the install, before --types can keep the parent's types out.
      delete pkg.scripts.prepare;
      for (const name of Object.keys(pkg.devDependencies))
        if (/eslint|prettier|^tsx$/.test(name)) delete pkg.devDependencies[name];
    });
    edit(dir, 'src/index.ts', '{ port: 3000 }', '{ port: Number(process.env.PORT ?? 3000) }');
    run('npm', ['install', '--no-audit', '--no-fund'], dir);
    const url = `postgres://postgres@127.0.0.1:5432/${service.db.name}`;
    // The service's own sequence: its query types are generated from the migrated database
    // (kysely-codegen), so the first build, for the migrations, fails on types but emits.
    spawnSync('npx', ['tsc', '-p', 'tsconfig.json', '--types', 'node'], { cwd: dir });
    if (!existsSync(join(dir, 'lib/scripts/migrate.js')))
      throw new Error('fastify: tsc emitted no lib/scripts/migrate.js');
    createDatabase(service);
    run(process.execPath, ['lib/scripts/migrate.js'], dir, { DATABASE_URL: url });
    run('npx', ['kysely-codegen', '--dialect', 'postgres', '--url', url], dir);
    run('npx', ['tsc', '-p', 'tsconfig.json', '--types', 'node'], dir);
  },

  async exseq(dir, service) {
    // Database credentials from the environment (the repository has conduit/root/1234).
    edit(
      dir,
      'util/database.js',
      'new Sequelize("conduit", "root", "1234", {',
      'new Sequelize(process.env.DB_NAME ?? "conduit", process.env.DB_USER ?? "root", process.env.DB_PASS ?? "1234", {',
    );
    // `sync({ force: true })` drops every table at each start: only with DB_FORCE_SYNC=1.
    edit(
      dir,
      'server.js',
      'const sync = async () => await sequelize.sync({ force: true });\nsync().then(() => {',
      'const sync = async () => await sequelize.sync({ force: process.env.DB_FORCE_SYNC === "1" });\nsync().then(() => {\n  if (process.env.DB_FORCE_SYNC !== "1") return;',
    );
    editPackage(dir, (pkg) => {
      delete pkg.devDependencies;
    });
    run('npm', ['install', '--no-audit', '--no-fund'], dir);
    createDatabase(service);
    // Not through HTTP: a request before \`sync\` has created its table crashes the service
    // (an async handler's rejection is not caught). Ready once all 8 tables exist.
    const tables = () =>
      spawnSync(
        'mysql',
        [
          '-h',
          '127.0.0.1',
          '-uroot',
          '-N',
          '-e',
          `SELECT count(*) FROM information_schema.tables WHERE table_schema = '${service.db.name}'`,
        ],
        { encoding: 'utf8' },
      ).stdout.trim();
    await migrate(dir, service, {
      main: 'server.js',
      env: { DB_FORCE_SYNC: '1', DB_PASS: '' },
      ready: () => tables() === '8',
    });
  },

  /** NestJS 11 + MikroORM 6 + mysql2 (`mikro`). */
  async mikro(dir, service) {
    writeFileSync(
      join(dir, 'src/mikro-orm.config.ts'),
      `import { defineConfig } from '@mikro-orm/mysql';
import { TsMorphMetadataProvider } from '@mikro-orm/reflection';
import { Migrator } from '@mikro-orm/migrations';
import { EntityGenerator } from '@mikro-orm/entity-generator';
import { SeedManager } from '@mikro-orm/seeder';

export default defineConfig({
  host: process.env.DB_HOST ?? '127.0.0.1',
  port: Number(process.env.DB_PORT ?? 3306),
  user: process.env.DB_USER ?? 'root',
  password: process.env.DB_PASS ?? '',
  dbName: process.env.DB_NAME ?? 'nestjsrealworld',
  entities: ['dist/**/*.entity.js'],
  entitiesTs: ['src/**/*.entity.ts'],
  debug: false,
  metadataProvider: TsMorphMetadataProvider,
  extensions: [Migrator, EntityGenerator, SeedManager],
});
`,
    );
    writeFileSync(
      join(dir, 'src/config.ts'),
      "export const SECRET = process.env.JWT_SECRET ?? 'secret-key';\n",
    );
    const main = join(dir, 'src/main.ts');
    writeFileSync(
      main,
      readFileSync(main, 'utf8').replace(
        'await app.listen(3000);',
        'await app.listen(Number(process.env.PORT ?? 3000));',
      ),
    );
    // Only the build's dev dependencies: the linters' peer ranges conflict under npm.
    const pkgFile = join(dir, 'package.json');
    const pkg = JSON.parse(readFileSync(pkgFile, 'utf8'));
    const keep = [
      'typescript',
      '@types/express',
      '@types/node',
      '@types/jsonwebtoken',
      '@types/slug',
    ];
    pkg.devDependencies = Object.fromEntries(
      Object.entries(pkg.devDependencies).filter(
        ([name]) => keep.includes(name) || name === '@mikro-orm/seeder',
      ),
    );
    writeFileSync(pkgFile, `${JSON.stringify(pkg, null, 2)}\n`);
    run('npm', ['install', '--no-audit', '--no-fund'], dir);
    // Every @mikro-orm/* package must have core's exact version (checked at start).
    const core = JSON.parse(
      readFileSync(join(dir, 'node_modules/@mikro-orm/core/package.json'), 'utf8'),
    ).version;
    run(
      'npm',
      [
        'install',
        '--no-audit',
        '--no-fund',
        `@mikro-orm/reflection@${core}`,
        `@mikro-orm/seeder@${core}`,
      ],
      dir,
    );
    run('npx', ['tsc', '-p', 'tsconfig.build.json', '--types', 'node'], dir);
    createDatabase(service);
    await migrate(dir, service);
  },
};

/**
 * Starts the service once so its own migrations create the schema; stops it when `path` answers.
 * `main` is the service's entry file, `env` what it needs besides its database name and port,
 * `ready()` true once the schema is there (default: `GET /api/tags` answers 2xx).
 */
async function migrate(dir, service, { main = 'dist/main.js', ready, env = {} } = {}) {
  const port = 39000 + Math.floor(Math.random() * 1000);
  const child = spawn(process.execPath, [main], {
    cwd: dir,
    env: {
      ...process.env,
      DB_NAME: service.db.name,
      PORT: String(port),
      NODE_ENV: 'production',
      ...env,
    },
    stdio: 'inherit',
  });
  try {
    for (let i = 0; i < 60; i++) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const ok = ready
        ? ready()
        : await fetch(`http://127.0.0.1:${port}/api/tags`).then(
            (r) => r.ok,
            () => false,
          );
      if (ok) return;
    }
    throw new Error(`${service.name} did not answer within 60 s`);
  } finally {
    child.kill('SIGTERM');
  }
}

const wanted = process.argv.slice(2);
for (const service of SERVICES) {
  const dir = join(here, 'apps', service.name);
  if (wanted.length > 0 ? !wanted.includes(service.name) : existsSync(dir)) continue;
  if (existsSync(dir)) throw new Error(`${dir} exists: remove it to fetch ${service.name} again`);
  console.log(`${service.name}: ${service.repo} @ ${service.commit.slice(0, 7)}`);
  run('git', ['clone', '--quiet', source(service.repo), dir]);
  run('git', ['checkout', '--quiet', service.commit], dir);
  await SETUP[service.name](dir, service);
}
