/**
 * What `redline run <target>` runs: a URL (quick mode) or a script. Besides `http(s)://` URLs,
 * a `host:port` target without a scheme (`127.0.0.1:8080/`, `localhost:3000/items`,
 * `[::1]:8080`), as autocannon users type it, is an http URL — unless a file of that name exists,
 * which stays a script.
 */
import { existsSync } from 'node:fs';

/** A URL for quick mode, or a script path. */
export type RunTarget = { kind: 'url'; url: string } | { kind: 'script'; path: string };

const WITH_SCHEME = /^https?:\/\//i;
// host:port, then an optional path, query or fragment. Host: a name, an IPv4 address or [IPv6].
const HOST_PORT =
  /^(?:\[[0-9a-f:.]+(?:%[\w.-]+)?\]|[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*):(\d{1,5})(?:[/?#].*)?$/i;

/** Decides what `target` is (`exists` is injectable for tests). */
export function parseRunTarget(
  target: string,
  exists: (path: string) => boolean = existsSync,
): RunTarget {
  if (WITH_SCHEME.test(target)) return { kind: 'url', url: target };
  if (exists(target)) return { kind: 'script', path: target };
  const port = HOST_PORT.exec(target)?.[1];
  if (port !== undefined && Number(port) >= 1 && Number(port) <= 65535)
    return { kind: 'url', url: `http://${target}` };
  return { kind: 'script', path: target };
}
