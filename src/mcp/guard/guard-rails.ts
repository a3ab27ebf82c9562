/**
 * The guard rails the MCP server enforces before a tool does anything: targets in the allow-list
 * (names resolved, every address checked), caps on duration, VUs, connections and rate, commands
 * from the allow-list, files inside the workspace, and how many long runs may go at once.
 * Limits come from the user's config file (config.ts); the agent cannot raise them.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import { existsSync, realpathSync } from 'node:fs';
import { isIP } from 'node:net';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { ExitCode } from '../../errors/exit-codes.js';
import { RedlineError } from '../../errors/redline-error.js';
import type { McpConfig } from '../config.js';
import { describeRefusal, normalizeAddress } from './allow-list.js';
import { refusal } from './refusal.js';

/** Resolves a host name to every address (the OS resolver, as connections use). */
export type ResolveHost = (host: string) => Promise<string[]>;

const resolveWithOs: ResolveHost = async (host) =>
  (await dnsLookup(host, { all: true, verbatim: true })).map((a) => a.address);

/** `5m`, `90s` → `1m30s`, `42m20s`, `250ms`: a duration as a person writes it. */
function formatMs(ms: number): string {
  if (ms % 1000 !== 0) return `${ms}ms`;
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = (ms % 60_000) / 1000;
  return `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s || (!h && !m) ? `${s}s` : ''}`;
}

/** The guard rails of one server (shared by every session). */
export class GuardRails {
  readonly config: McpConfig;
  readonly #resolve: ResolveHost;
  #running = 0;

  constructor(config: McpConfig, resolveHost: ResolveHost = resolveWithOs) {
    this.config = config;
    this.#resolve = resolveHost;
  }

  #refuse(message: string, setting: string): RedlineError {
    return refusal(message, setting, this.config.source);
  }

  /**
   * Checks that `host` may be reached: an address in an allowed network, a trusted name, or a
   * name whose every address is allowed. Returns the addresses checked (empty for trusted names).
   */
  async checkHost(host: string, what: string): Promise<string[]> {
    const list = this.config.targets;
    const address = normalizeAddress(host);
    if (isIP(address) !== 0) {
      if (list.allowsAddress(address)) return [address];
      throw this.#refuse(`${what}: ${describeRefusal(host, [address], list)}`, 'targets.allow');
    }
    if (list.trustsName(host)) return [];
    let addresses: string[];
    try {
      addresses = await this.#resolve(host);
    } catch (cause) {
      throw new RedlineError('MCP_TARGET_DNS', `${what}: cannot resolve ${host}`, {
        exitCode: ExitCode.TargetUnreachable,
        cause,
        hint: 'check the host name',
      });
    }
    if (addresses.length === 0 || addresses.some((a) => !list.allowsAddress(a)))
      throw this.#refuse(`${what}: ${describeRefusal(host, addresses, list)}`, 'targets.allow');
    return addresses;
  }

  /** Checks an http(s)/ws(s) URL's host; returns the parsed URL. */
  async checkUrl(text: string, what: string): Promise<URL> {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      throw new RedlineError('MCP_BAD_URL', `${what}: not a URL: ${JSON.stringify(text)}`, {
        exitCode: ExitCode.Usage,
        hint: 'give a full URL such as http://127.0.0.1:3000/items',
      });
    }
    if (!/^(https?|wss?):$/.test(url.protocol)) {
      throw new RedlineError('MCP_BAD_URL', `${what}: unsupported scheme ${url.protocol}`, {
        exitCode: ExitCode.Usage,
        hint: 'use http://, https://, ws:// or wss://',
      });
    }
    await this.checkHost(url.hostname, what);
    return url;
  }

  /**
   * Checks a database URL and returns it with the host replaced by the address that was checked,
   * so the connection cannot be sent elsewhere by a second DNS answer. PGlite folders must be
   * inside the workspace; socket paths (`?host=/…`, `socketPath`) are refused.
   */
  async pinDatabaseUrl(text: string): Promise<string> {
    if (/^pglite:/i.test(text)) {
      const dir = text.slice('pglite:'.length).replace(/^\/\/(?=\/)/, '');
      if (dir === '' || /^memory(:\/\/)?$/.test(dir)) return text;
      this.resolvePath(dir, 'database folder');
      return text;
    }
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      throw new RedlineError('MCP_BAD_URL', 'the database URL does not parse', {
        exitCode: ExitCode.Usage,
        hint: 'use postgres://user@127.0.0.1:5432/db or mysql://root@127.0.0.1:3306/db',
      });
    }
    for (const key of ['host', 'hostaddr', 'socketPath', 'socket'])
      if (url.searchParams.has(key))
        throw this.#refuse(
          `database URL: the "${key}" parameter is not accepted (it can point the connection elsewhere)`,
          'targets.allow',
        );
    if (!url.hostname)
      throw this.#refuse('database URL: a host is required (no socket paths)', 'targets.allow');
    const addresses = await this.checkHost(url.hostname, 'database');
    const pinned = addresses[0];
    if (pinned) url.hostname = isIP(pinned) === 6 ? `[${pinned}]` : pinned;
    return url.toString();
  }

  /** Refuses a duration over the cap. */
  checkDuration(ms: number, what: string, cap = this.config.limits.maxDurationMs): void {
    if (ms > cap)
      throw this.#refuse(
        `${what} is ${formatMs(ms)}, over the ${formatMs(cap)} limit`,
        cap === this.config.limits.maxAuditDurationMs
          ? 'limits.maxAuditDuration'
          : 'limits.maxDuration',
      );
  }

  /** Refuses more VUs than allowed. */
  checkVUs(n: number, what = 'VUs'): void {
    if (n > this.config.limits.maxVUs)
      throw this.#refuse(
        `${what}: ${n}, over the limit of ${this.config.limits.maxVUs}`,
        'limits.maxVUs',
      );
  }

  /** Refuses more connections than allowed. */
  checkConnections(n: number): void {
    if (n > this.config.limits.maxConnections)
      throw this.#refuse(
        `connections: ${n}, over the limit of ${this.config.limits.maxConnections}`,
        'limits.maxConnections',
      );
  }

  /** Refuses a rate (per second) over the cap. */
  checkRate(perSecond: number, what = 'rate'): void {
    if (perSecond > this.config.limits.maxRate)
      throw this.#refuse(
        `${what}: ${Math.round(perSecond * 100) / 100}/s, over the limit of ${this.config.limits.maxRate}/s`,
        'limits.maxRate',
      );
  }

  /**
   * Refuses a command that is not in profile.commands. An entry matches when it equals the argv,
   * or is a prefix of it ending with `...`.
   */
  checkCommand(argv: readonly string[]): void {
    const allowed = this.config.profile.commands.some((entry) => {
      const open = entry[entry.length - 1] === '...';
      const fixed = open ? entry.slice(0, -1) : entry;
      if (open ? argv.length < fixed.length : argv.length !== fixed.length) return false;
      return fixed.every((word, i) => word === argv[i]);
    });
    if (!allowed) {
      const list = this.config.profile.commands.map((c) => c.join(' '));
      throw this.#refuse(
        `the command "${argv.join(' ')}" is not in the allowed commands (${list.length > 0 ? list.join('; ') : 'none'})`,
        'profile.commands',
      );
    }
  }

  /** Refuses attaching by pid unless allowed. */
  checkAttachPid(): void {
    if (!this.config.profile.allowAttachPid)
      throw this.#refuse(
        'attaching to a process by pid (it gets SIGUSR1)',
        'profile.allowAttachPid',
      );
  }

  /**
   * Resolves `path` (relative to the workspace) and refuses anything outside the workspace and the
   * results folder (symbolic links followed). With `mustExist`, a missing file is an error.
   */
  resolvePath(path: string, what: string, mustExist = true): string {
    const full = isAbsolute(path) ? path : resolve(this.config.workspace, path);
    if (mustExist && !existsSync(full)) {
      throw new RedlineError('MCP_NO_FILE', `${what}: ${path} does not exist`, {
        exitCode: ExitCode.NoInput,
        hint: `paths are relative to the workspace ${this.config.workspace}`,
      });
    }
    const real = realPathOf(full);
    const inside = (root: string) => {
      const rel = relative(realPathOf(root), real);
      return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
    };
    if (!inside(this.config.workspace) && !inside(this.config.resultsDir))
      throw this.#refuse(
        `${what}: ${path} is outside the workspace (${this.config.workspace}) and the results folder`,
        'workspace',
      );
    return full;
  }

  /** Takes one of the long-run slots (limits.concurrentRuns); returns its release. */
  acquireRunSlot(tool: string): () => void {
    if (this.#running >= this.config.limits.concurrentRuns)
      throw this.#refuse(
        `${tool}: ${this.#running} long run(s) already going (load tests, profiles, audits and validations share ${this.config.limits.concurrentRuns} slot(s)); wait for it to finish or cancel it`,
        'limits.concurrentRuns',
      );
    this.#running++;
    let released = false;
    return () => {
      if (!released) this.#running--;
      released = true;
    };
  }
}

/** The real path of `path`, or of its nearest existing parent joined with the rest. */
function realPathOf(path: string): string {
  if (existsSync(path)) return realpathSync(path);
  const parent = dirname(path);
  if (parent === path) return path;
  return resolve(realPathOf(parent), relative(parent, path));
}
