#!/usr/bin/env node
// The real-services study (docs/realapps.md): seeds each service's private database and runs
// `redline audit` on it end to end (compact sizing, 5 users: every load step is bounded in users
// and time by the audit). The services are not part of this repository: `fetch.mjs <name>` puts
// each in bench/realapps/apps/<name>, at its commit, changed as docs/realapps.md says, installed,
// built, with its schema created by its own migrations. Usage:
//   node bench/realapps/run.mjs [name ...]        (default: every service whose folder exists)
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SERVICES } from './services.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const redline = join(here, '../../bin/redline.js');

/** The password every seeded user has (X12345678), hashed as each service checks it. */
const PASSWORD_HASH = {
  koa: '$2a$10$bTtsfGNHOvzuBnyPvCqIveXJVrME7AzsdUyVQm5j1yAR6xyXiAyoi',
  fastify: '$2a$10$5DeKD.Aa/UkC397W6fC70u2lV8tFCtLC1tIn7kwucDVoa5FEb.3Ki',
  // HMAC-SHA256 keyed with the password, as user.entity.ts computes it.
  mikro: '81de5400884a4d9f03a09e73abf689657d0cf3d3bf805faa3b402bb027c6f43d',
  nest: '$argon2id$v=19$m=65536,t=3,p=4$EhZatlX/jYtytUJtyDKa9A$SVfn8aNGWglAjeJNbEcUeeirYy4khQOhdXZVa8qGrI0',
};

function run(cmd, args, input) {
  const r = spawnSync(cmd, args, {
    input,
    stdio: [input ? 'pipe' : 'ignore', 'inherit', 'inherit'],
    timeout: 15 * 60_000,
  });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status ?? r.signal}`);
}

function seed(service) {
  const sql = readFileSync(join(here, `${service.name}-seed.sql`), 'utf8');
  if (service.db.engine === 'postgres')
    run(
      'psql',
      [
        '-h',
        '127.0.0.1',
        '-U',
        'postgres',
        '-d',
        service.db.name,
        '-q',
        '-v',
        'ON_ERROR_STOP=1',
        '-v',
        `pw=${PASSWORD_HASH[service.name]}`,
      ],
      sql,
    );
  else {
    const pw = PASSWORD_HASH[service.name];
    run(
      'mysql',
      ['-h', '127.0.0.1', '-uroot', service.db.name],
      pw ? `SET @pw='${pw}';\n${sql}` : sql,
    );
  }
}

const wanted = process.argv.slice(2);
for (const service of SERVICES) {
  if (wanted.length > 0 && !wanted.includes(service.name)) continue;
  const dir = join(here, 'apps', service.name);
  if (!existsSync(dir)) {
    console.log(
      `${service.name}: skipped, no checkout of ${service.repo} @ ${service.commit.slice(0, 7)} in ${dir}`,
    );
    continue;
  }
  console.log(`${service.name}: seeding ${service.db.engine} database ${service.db.name}`);
  seed(service);
  run(process.execPath, [
    redline,
    'audit',
    join(here, `${service.name}.config.yaml`),
    '--verify-index',
  ]);
}
