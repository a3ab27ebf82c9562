/**
 * The one place that decides what a test does when a program it needs is not installed.
 *
 * Outside CI (`CI` is not `true`) a fresh machine may lack the optional Debian packages: the tests
 * that need them are skipped, with a message naming the package to install. In CI every one of
 * them must run, so a missing program fails the test file instead (with the same message).
 */
import { accessSync, constants, existsSync, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The programs some tests need, with the Debian package that installs each one. */
export const OPTIONAL_BINARIES = {
  prometheus: 'prometheus',
  promtool: 'prometheus',
  chromium: 'chromium',
  wrk: 'wrk',
  nginx: 'nginx',
  h2load: 'nghttp2-client',
  java: 'default-jdk-headless',
  javac: 'default-jdk-headless',
  jcmd: 'default-jdk-headless',
  python3: 'python3',
  initdb: 'postgresql',
  pg_ctl: 'postgresql',
  mariadbd: 'mariadb-server',
  'mariadb-install-db': 'mariadb-server',
} as const;

/** A program name known to {@link OPTIONAL_BINARIES}. */
export type OptionalBinary = keyof typeof OPTIONAL_BINARIES;

/** Folders searched after PATH: sbin folders (not on a normal user's PATH) and PostgreSQL's bin. */
function extraDirs(): string[] {
  const dirs = ['/usr/sbin', '/sbin', '/usr/local/sbin'];
  // Debian keeps initdb/pg_ctl in /usr/lib/postgresql/<version>/bin, which is not on PATH.
  try {
    const versions = readdirSync('/usr/lib/postgresql')
      .filter((v) => /^\d+$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    for (const v of versions) dirs.push(`/usr/lib/postgresql/${v}/bin`);
  } catch {
    // no PostgreSQL server installed
  }
  return dirs;
}

/** The absolute path of `name` (PATH first, then the folders above), or undefined. */
export function findBinary(name: string): string | undefined {
  const dirs = [...(process.env['PATH'] ?? '').split(delimiter).filter(Boolean), ...extraDirs()];
  for (const dir of dirs) {
    const path = join(dir, name);
    try {
      if (!existsSync(path)) continue;
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // not executable: keep looking
    }
  }
  return undefined;
}

/** True when tests run in CI, where nothing may be skipped for a missing program. */
export function inCi(): boolean {
  return process.env['CI'] === 'true';
}

/** Why a test cannot run: the missing programs and the packages that install them. */
export function missingReason(missing: OptionalBinary[]): string {
  const packages = [...new Set(missing.map((m) => OPTIONAL_BINARIES[m]))];
  return `${missing.join(', ')} not installed: apt-get install -y ${packages.join(' ')}`;
}

/**
 * Checks that every program is installed. Returns `{ skip: false }` when all are there. When one
 * is missing: in CI, throws (the test file fails with the install command); elsewhere returns
 * `{ skip: true, reason }` and prints the reason once, so the skip is never silent.
 *
 * Use: `const need = requireBinaries('prometheus'); describe.skipIf(need.skip)(…)`.
 */
export function requireBinaries(...names: OptionalBinary[]): { skip: boolean; reason: string } {
  const missing = names.filter((n) => findBinary(n) === undefined);
  if (missing.length === 0) return { skip: false, reason: '' };
  const reason = missingReason(missing);
  if (inCi()) throw new Error(`CI=true and ${reason}`);
  console.warn(`[skipped] ${reason}`);
  return { skip: true, reason };
}

/**
 * For one optional assertion inside a test that otherwise runs everywhere: the path of `name`,
 * or undefined outside CI when it is missing (the reason is printed); in CI a missing program
 * throws, like {@link requireBinaries}.
 */
export function optionalBinary(name: OptionalBinary): string | undefined {
  return requireBinaries(name).skip ? undefined : findBinary(name);
}
