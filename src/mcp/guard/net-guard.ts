/**
 * The network guard of the processes `redline mcp` starts (load tests, profiles, audits,
 * validations): preloaded with `node --import`, so it runs before Redline's code, and in every
 * worker thread (workers inherit the parent's execArgv). It wraps `net.Socket.prototype.connect`,
 * which every TCP and TLS connection of Node goes through (Redline's HTTP client, node:http,
 * fetch/undici, WebSocket, the inspector client, npm packages a script imports):
 *
 * - an IP literal outside the allow-list fails at once;
 * - a host name not trusted by name gets a checking `lookup`: the addresses DNS returns are
 *   checked before the socket dials them, at every connection, so a name that changes its
 *   answer mid-test (DNS rebinding) is caught on the connection that would have used it;
 * - Unix-domain socket paths fail (a load test has no reason to reach local daemons).
 *
 * Refused connections fail like any connect error (the request counts as failed, class `other`,
 * message "blocked by redline mcp: ..."). This is a guard rail against mistakes, not a sandbox:
 * script code that reaches below node:net (native addons, child processes) is not contained.
 */
import dns from 'node:dns';
import net from 'node:net';
import { type AllowList, describeRefusal, normalizeAddress, parseAllowList } from './allow-list.js';

/** Environment variable carrying the allow-list (a JSON array of entries) to the child. */
export const ALLOW_ENV = 'REDLINE_MCP_ALLOW_TARGETS';

/** Error code of a refused connection. */
export const BLOCKED_CODE = 'ERR_REDLINE_TARGET_NOT_ALLOWED';

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | dns.LookupAddress[],
  family?: number,
) => void;
type LookupFunction = (hostname: string, options: dns.LookupOptions, cb: LookupCallback) => void;

function blocked(text: string): NodeJS.ErrnoException {
  const error = new Error(`blocked by redline mcp: ${text}`) as NodeJS.ErrnoException;
  error.code = BLOCKED_CODE;
  return error;
}

/** Wraps a `lookup` so that every address it returns is checked against `list`. */
export function guardedLookup(list: AllowList, lookup: LookupFunction): LookupFunction {
  return (hostname, options, callback) => {
    lookup(hostname, options, (error, address, family) => {
      if (error) return callback(error, address, family);
      const addresses = Array.isArray(address) ? address.map((a) => a.address) : [address];
      if (addresses.some((a) => !list.allowsAddress(a)))
        return callback(blocked(describeRefusal(hostname, addresses, list)), address, family);
      callback(null, address, family);
    });
  };
}

/**
 * Decides what a connect call may do: `null` when allowed as is, an error when refused, or a
 * lookup to use instead of the caller's (for host names, checked at resolution).
 */
export function vetConnect(
  options: { host?: string; path?: string; lookup?: unknown },
  list: AllowList,
): NodeJS.ErrnoException | LookupFunction | null {
  if (typeof options.path === 'string')
    return blocked(`Unix socket ${options.path} is not an allowed target`);
  const host = options.host ?? 'localhost';
  const address = normalizeAddress(host);
  if (net.isIP(address) !== 0)
    return list.allowsAddress(address) ? null : blocked(describeRefusal(host, [address], list));
  if (list.trustsName(host)) return null;
  const base = (
    typeof options.lookup === 'function' ? options.lookup : dns.lookup
  ) as LookupFunction;
  return guardedLookup(list, base);
}

const GUARDED = Symbol.for('redline.mcp.netGuard');

/** Installs the guard on `net.Socket.prototype.connect`. Idempotent. */
export function installNetGuard(list: AllowList): void {
  const proto = net.Socket.prototype as net.Socket & { [GUARDED]?: boolean };
  if (proto[GUARDED]) return;
  const original = proto.connect as (this: net.Socket, ...args: unknown[]) => net.Socket;
  proto.connect = function connect(this: net.Socket, ...args: unknown[]) {
    // net.connect() passes its already-normalised [options, callback] array as the first argument.
    const holder = Array.isArray(args[0]) ? (args[0] as unknown[]) : args;
    let options = holder[0];
    if (typeof options !== 'object' || options === null) {
      options =
        typeof options === 'string' && !/^\d+$/.test(options)
          ? { path: options }
          : { port: options, host: typeof holder[1] === 'string' ? holder[1] : undefined };
    }
    const verdict = vetConnect(options as { host?: string; path?: string }, list);
    if (verdict instanceof Error) {
      process.nextTick(() => this.destroy(verdict));
      return this;
    }
    if (typeof verdict === 'function') {
      const guarded = { ...(options as object), lookup: verdict };
      if (holder[0] !== options) {
        // Positional form (port, host, callback): call on with an options object.
        const callback = holder.find((a) => typeof a === 'function');
        return callback ? original.call(this, guarded, callback) : original.call(this, guarded);
      }
      holder[0] = guarded; // in place: net's normalised array keeps its internal marker
    }
    return original.apply(this, args);
  } as typeof proto.connect;
  proto[GUARDED] = true;
}

// Preloaded: install from the environment, refusing to start without a valid list (fail closed).
if (process.env[ALLOW_ENV] !== undefined) {
  const entries = JSON.parse(process.env[ALLOW_ENV] as string) as string[];
  const list = parseAllowList(entries);
  if (Array.isArray(list)) throw new Error(`${ALLOW_ENV}: ${list.join('; ')}`);
  installNetGuard(list);
}
