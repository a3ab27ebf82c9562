#!/usr/bin/env node
// Fetches the services of the real-services study (docs/realapps.md) into bench/realapps/apps/<name>
// at their pinned commits. The repositories are not vendored: each is cloned from
// $REALAPPS_GIT_BASE/<owner>/<repo> (default https://github.com), or from a local mirror when
// $REALAPPS_MIRRORS holds <owner>+<repo>/repo git directories. For `mikro` it also makes the
// changes docs/realapps.md lists, installs with npm, builds, creates the database and runs the
// service's own migrations once; the other services' changes are listed in docs/realapps.md and
// made by hand (not automated yet). Usage:
//   node bench/realapps/fetch.mjs [name ...]      (default: every service not fetched yet)
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SERVICES } from './services.mjs';

const here = dirname(fileURLToPath(import.meta.url));

function run(cmd, args, cwd) {
  const r = spawnSync(cmd, args, { cwd, stdio: 'inherit', timeout: 15 * 60_000 });
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

/** The changes for NestJS 11 + MikroORM 6 + mysql2 (docs/realapps.md, `mikro`). */
const SETUP = {
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
    run('mysql', [
      '-h',
      '127.0.0.1',
      '-uroot',
      '-e',
      `CREATE DATABASE IF NOT EXISTS ${service.db.name}`,
    ]);
    await migrate(dir, service);
  },
};

/** Starts the service once so its own migrations create the schema; stops it when it answers. */
async function migrate(dir, service) {
  const port = 39000 + Math.floor(Math.random() * 1000);
  const child = spawn(process.execPath, ['dist/main.js'], {
    cwd: dir,
    env: { ...process.env, DB_NAME: service.db.name, PORT: String(port), NODE_ENV: 'production' },
    stdio: 'inherit',
  });
  try {
    for (let i = 0; i < 60; i++) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const ok = await fetch(`http://127.0.0.1:${port}/api/tags`).then(
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
  if (SETUP[service.name]) await SETUP[service.name](dir, service);
  else console.log(`${service.name}: now make the changes docs/realapps.md lists for it`);
}
