/**
 * The target allow-list of `redline mcp`: networks (CIDR or single addresses, IPv4 and IPv6) and
 * trusted host names (`staging.internal`, `*.test`). An address is allowed when it lies in one of
 * the networks; a name is allowed when it is listed, or else when every address it resolves to is
 * allowed. The same rule runs in the MCP server (before a tool starts) and inside the child
 * process at every connect (net-guard.ts), where it sees the address actually dialled.
 */
import { BlockList, isIP } from 'node:net';

/** The default allow-list: loopback only. */
export const DEFAULT_ALLOWED_TARGETS: readonly string[] = ['127.0.0.0/8', '::1', 'localhost'];

const HOST_NAME =
  /^(\*\.)?([a-z0-9_]([a-z0-9_-]*[a-z0-9_])?\.)*[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?\.?$/;

/** Normalises an address: no brackets, IPv4-mapped IPv6 (`::ffff:7f00:1`) as IPv4. */
export function normalizeAddress(address: string): string {
  let a = address.trim().toLowerCase();
  if (a.startsWith('[') && a.endsWith(']')) a = a.slice(1, -1);
  const mapped = /^(?:0*:)*:?ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(a);
  if (mapped && isIP(a) === 6) {
    const hi = Number.parseInt(mapped[1] as string, 16);
    const lo = Number.parseInt(mapped[2] as string, 16);
    return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  }
  const dotted = /^(?:0*:)*:?ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  if (dotted && isIP(dotted[1] as string) === 4) return dotted[1] as string;
  return a;
}

/** A parsed allow-list. Build with {@link parseAllowList}. */
export class AllowList {
  readonly #networks = new BlockList();
  readonly #names = new Set<string>();
  readonly #suffixes: string[] = [];
  /** The entries as written (for messages). */
  readonly entries: readonly string[];

  /** @internal use {@link parseAllowList} */
  constructor(entries: readonly string[]) {
    this.entries = entries;
  }

  /** @internal */
  addNetwork(address: string, prefix: number | undefined): void {
    const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (prefix === undefined) this.#networks.addAddress(address, family);
    else this.#networks.addSubnet(address, prefix, family);
  }

  /** @internal */
  addName(name: string): void {
    if (name.startsWith('*.')) this.#suffixes.push(name.slice(1));
    else this.#names.add(name);
  }

  /** True when the IP address lies in an allowed network. */
  allowsAddress(address: string): boolean {
    const a = normalizeAddress(address);
    const family = isIP(a);
    if (family === 0) return false;
    return this.#networks.check(a, family === 6 ? 'ipv6' : 'ipv4');
  }

  /** True when the host name is listed (exactly, or under a `*.suffix` entry). */
  trustsName(name: string): boolean {
    const n = name.toLowerCase().replace(/\.$/, '');
    return this.#names.has(n) || this.#suffixes.some((s) => n.endsWith(s) && n.length > s.length);
  }
}

/**
 * Parses allow-list entries: `10.0.0.0/8`, `192.168.1.10`, `::1`, `fd00::/8`, `localhost`,
 * `*.staging.example.com`. Returns the list, or the problems (one per bad entry).
 */
export function parseAllowList(entries: readonly string[]): AllowList | string[] {
  const list = new AllowList(entries);
  const problems: string[] = [];
  for (const raw of entries) {
    const entry = String(raw).trim().toLowerCase();
    const slash = entry.indexOf('/');
    const address = normalizeAddress(slash >= 0 ? entry.slice(0, slash) : entry);
    const family = isIP(address);
    if (family !== 0) {
      const prefixText = slash >= 0 ? entry.slice(slash + 1) : undefined;
      const max = family === 6 ? 128 : 32;
      const prefix = prefixText === undefined ? undefined : Number(prefixText);
      if (prefix !== undefined && !(Number.isInteger(prefix) && prefix >= 0 && prefix <= max)) {
        problems.push(`"${raw}": the prefix length must be 0-${max}`);
        continue;
      }
      list.addNetwork(address, prefix);
    } else if (slash < 0 && HOST_NAME.test(entry)) {
      list.addName(entry.replace(/\.$/, ''));
    } else {
      problems.push(
        `"${raw}" is neither an address, a network (10.0.0.0/8, fd00::/8) nor a host name`,
      );
    }
  }
  return problems.length > 0 ? problems : list;
}

/** Why a host or address was refused, in one sentence (for errors at both layers). */
export function describeRefusal(
  host: string,
  addresses: readonly string[],
  list: AllowList,
): string {
  const outside = addresses.filter((a) => !list.allowsAddress(a));
  const resolved =
    isIP(normalizeAddress(host)) !== 0
      ? normalizeAddress(host)
      : `${host} (resolves to ${outside.join(', ') || 'nothing'})`;
  return `${resolved} is not an allowed target (targets.allow: ${list.entries.join(', ')})`;
}
