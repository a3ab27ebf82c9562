/**
 * Remote modules (`import … from 'https://…'`), as k6 fetches them at start: each URL is fetched
 * once per load, from a mirror when one maps its prefix (`--module-mirror prefix=folder-or-url`,
 * `REDLINE_MODULE_MIRROR`), else from the network; what the network served is cached on disk
 * keyed by URL and content hash, and the cache serves when the network cannot (or must not:
 * `--no-remote-modules`). A module that nothing can serve is a clear error, never a silent skip.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { get as httpGet, type IncomingMessage } from 'node:http';
import { get as httpsGet } from 'node:https';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { ExitCode } from '../../errors/exit-codes.js';
import { RedlineError } from '../../errors/redline-error.js';

/** A mirror: URLs starting with `prefix` are read from `target` (a folder or a base URL) instead. */
export interface ModuleMirror {
  prefix: string;
  target: string;
}

/** How remote modules are loaded (all optional). */
export interface RemoteModuleOptions {
  /** False: never fetch from the network (`--no-remote-modules`); mirrors and the cache still serve. */
  fetch?: boolean;
  mirrors?: readonly ModuleMirror[];
  /** Cache folder (default `$REDLINE_MODULE_CACHE`, else `$XDG_CACHE_HOME/redline/modules`, else `~/.cache/redline/modules`). */
  cacheDir?: string;
  /** Extra trusted CA certificates (PEM) for module servers (Node also honours NODE_EXTRA_CA_CERTS). */
  ca?: string | Buffer;
  /** Per request (default 30 s). */
  timeoutMs?: number;
  /** Receives warnings (a module served from the cache because the network failed). */
  onWarning?: (text: string) => void;
}

/** Where a remote module's text came from. */
export type RemoteSource = 'network' | 'cache' | 'mirror';

/** A remote module as loaded. */
export interface RemoteModule {
  url: string;
  contents: string;
  sha256: string;
  from: RemoteSource;
}

/** A remote module that could not be loaded (the message says why and what to do). */
export class RemoteModuleError extends Error {
  override readonly name = 'RemoteModuleError';
}

const MAX_BYTES = 20 * 1024 * 1024;

/** Parses `prefix=target` mirror specs (flag values, or the env var's comma-separated list). */
export function parseMirrors(specs: readonly string[], origin: string): ModuleMirror[] {
  const mirrors: ModuleMirror[] = [];
  for (const raw of specs.flatMap((s) => s.split(',')).map((s) => s.trim())) {
    if (raw === '') continue;
    const eq = raw.indexOf('=');
    const prefix = eq > 0 ? raw.slice(0, eq) : '';
    const target = eq > 0 ? raw.slice(eq + 1) : '';
    if (!/^https?:\/\//.test(prefix) || target === '') {
      throw new RedlineError('E_MODULE_MIRROR', `${origin}: invalid module mirror "${raw}"`, {
        exitCode: ExitCode.Usage,
        hint: 'write prefix=target, e.g. https://jslib.k6.io/=./vendor/jslib/ (a folder) or https://jslib.k6.io/=https://mirror.internal/jslib/',
      });
    }
    mirrors.push({
      prefix,
      target: /^https?:\/\//.test(target) || isAbsolute(target) ? target : resolve(target),
    });
  }
  return mirrors;
}

/** Remote-module options from the environment: `REDLINE_MODULE_MIRROR`, `REDLINE_NO_REMOTE_MODULES`, `REDLINE_MODULE_CACHE`. */
export function remoteModuleOptionsFromEnv(env: NodeJS.ProcessEnv): RemoteModuleOptions {
  const options: RemoteModuleOptions = {};
  const mirror = env['REDLINE_MODULE_MIRROR'];
  if (mirror) options.mirrors = parseMirrors([mirror], 'REDLINE_MODULE_MIRROR');
  const off = env['REDLINE_NO_REMOTE_MODULES'];
  if (off && off !== '0' && off !== 'false') options.fetch = false;
  if (env['REDLINE_MODULE_CACHE']) options.cacheDir = env['REDLINE_MODULE_CACHE'];
  return options;
}

/** The default cache folder. */
export function defaultModuleCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env['REDLINE_MODULE_CACHE']) return env['REDLINE_MODULE_CACHE'];
  const base = env['XDG_CACHE_HOME'] || join(homedir(), '.cache');
  return join(base, 'redline', 'modules');
}

function sha256(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Loads remote modules for one script load (each URL once). */
export class RemoteModuleLoader {
  readonly #options: RemoteModuleOptions;
  readonly #cacheDir: string;
  readonly #loaded = new Map<string, Promise<RemoteModule>>();

  constructor(options: RemoteModuleOptions = {}) {
    this.#options = options;
    this.#cacheDir = options.cacheDir ?? defaultModuleCacheDir();
  }

  /** Every module loaded so far, by URL. */
  async modules(): Promise<RemoteModule[]> {
    const settled = await Promise.allSettled(this.#loaded.values());
    return settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  }

  /** Loads `url` (once); rejects with a {@link RemoteModuleError} saying why and what to do. */
  load(url: string): Promise<RemoteModule> {
    let pending = this.#loaded.get(url);
    if (!pending) {
      pending = this.#load(url);
      this.#loaded.set(url, pending);
    }
    return pending;
  }

  async #load(url: string): Promise<RemoteModule> {
    const mirror = this.#options.mirrors?.find((m) => url.startsWith(m.prefix));
    if (mirror) return this.#fromMirror(url, mirror);
    const cached = this.#readCache(url);
    if (this.#options.fetch === false) {
      if (cached) return cached;
      throw new RemoteModuleError(
        `cannot import the remote module "${url}": remote modules are off (--no-remote-modules or REDLINE_NO_REMOTE_MODULES) and it is not in the module cache (${this.#cacheDir})`,
      );
    }
    let text: string;
    try {
      text = await this.#fetch(url);
    } catch (error) {
      if (cached) {
        this.#options.onWarning?.(
          `remote module ${url}: ${(error as Error).message}; using the cached copy (sha256 ${cached.sha256.slice(0, 12)})`,
        );
        return cached;
      }
      throw new RemoteModuleError(
        `cannot import the remote module "${url}": ${(error as Error).message} (and it is not in the module cache ${this.#cacheDir})`,
      );
    }
    const module: RemoteModule = { url, contents: text, sha256: sha256(text), from: 'network' };
    this.#writeCache(module);
    return module;
  }

  async #fromMirror(url: string, mirror: ModuleMirror): Promise<RemoteModule> {
    const rest = url.slice(mirror.prefix.length).split(/[?#]/)[0] ?? '';
    if (/^https?:\/\//.test(mirror.target)) {
      const target =
        mirror.target.endsWith('/') || rest.startsWith('/') || rest === ''
          ? mirror.target + rest
          : `${mirror.target}/${rest}`;
      try {
        const text = await this.#fetch(target);
        return { url, contents: text, sha256: sha256(text), from: 'mirror' };
      } catch (error) {
        throw new RemoteModuleError(
          `cannot import the remote module "${url}" from its mirror ${target}: ${(error as Error).message}`,
        );
      }
    }
    const file = join(
      mirror.target,
      ...decodeURIComponent(rest)
        .split('/')
        .filter((p) => p !== '' && p !== '..'),
    );
    try {
      const text = readFileSync(file, 'utf8');
      return { url, contents: text, sha256: sha256(text), from: 'mirror' };
    } catch {
      throw new RemoteModuleError(
        `cannot import the remote module "${url}": the mirror ${mirror.prefix}=${mirror.target} has no file ${file}`,
      );
    }
  }

  #indexPath(url: string): string {
    return join(this.#cacheDir, 'index', `${sha256(url)}.json`);
  }

  #readCache(url: string): RemoteModule | undefined {
    try {
      const entry = JSON.parse(readFileSync(this.#indexPath(url), 'utf8')) as {
        url: string;
        sha256: string;
      };
      if (entry.url !== url) return undefined;
      const text = readFileSync(join(this.#cacheDir, 'blobs', `${entry.sha256}.js`), 'utf8');
      // A damaged or edited cache file is not used.
      if (sha256(text) !== entry.sha256) return undefined;
      return { url, contents: text, sha256: entry.sha256, from: 'cache' };
    } catch {
      return undefined;
    }
  }

  #writeCache(module: RemoteModule): void {
    try {
      mkdirSync(join(this.#cacheDir, 'blobs'), { recursive: true });
      mkdirSync(join(this.#cacheDir, 'index'), { recursive: true });
      const blob = join(this.#cacheDir, 'blobs', `${module.sha256}.js`);
      const tmp = `${blob}.${process.pid}.tmp`;
      writeFileSync(tmp, module.contents);
      renameSync(tmp, blob);
      const index = this.#indexPath(module.url);
      const indexTmp = `${index}.${process.pid}.tmp`;
      writeFileSync(
        indexTmp,
        JSON.stringify({
          url: module.url,
          sha256: module.sha256,
          fetchedAt: new Date().toISOString(),
        }),
      );
      renameSync(indexTmp, index);
    } catch (error) {
      this.#options.onWarning?.(
        `remote module ${module.url}: cannot write the module cache ${this.#cacheDir}: ${(error as Error).message}`,
      );
    }
  }

  #fetch(url: string, redirects = 5): Promise<string> {
    const timeoutMs = this.#options.timeoutMs ?? 30_000;
    return new Promise<string>((resolvePromise, reject) => {
      const get = url.startsWith('https:') ? httpsGet : httpGet;
      const request = get(
        url,
        { timeout: timeoutMs, ...(this.#options.ca ? { ca: this.#options.ca } : {}) },
        (res: IncomingMessage) => {
          const status = res.statusCode ?? 0;
          if (status >= 300 && status < 400 && res.headers.location) {
            res.resume();
            if (redirects === 0) return reject(new Error('too many redirects'));
            const next = new URL(res.headers.location, url).href;
            this.#fetch(next, redirects - 1).then(resolvePromise, reject);
            return;
          }
          if (status !== 200) {
            res.resume();
            return reject(new Error(`the server answered ${status}`));
          }
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_BYTES) {
              request.destroy(new Error(`larger than ${MAX_BYTES} bytes`));
              return;
            }
            chunks.push(chunk);
          });
          res.on('end', () => resolvePromise(Buffer.concat(chunks).toString('utf8')));
          res.on('error', reject);
        },
      );
      request.on('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      request.on('error', (error: NodeJS.ErrnoException) =>
        reject(
          new Error(
            error.code && !error.message.includes(error.code)
              ? `${error.code} ${error.message}`
              : error.message,
          ),
        ),
      );
    });
  }
}
