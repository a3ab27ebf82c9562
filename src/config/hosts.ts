/**
 * Host rewrite rules: `--host api.example.com=127.0.0.1:3000` (http and https requests both go
 * to the address as plain http), `--host api.example.com:443=...`, `--host
 * https://api.example.com=https://10.0.0.5` (TLS kept) and k6's `options.hosts` (name -> IP or
 * IP:port, scheme kept as k6), with the pure `rewriteUrl` the HTTP layer calls.
 */
import { describeInput, type InputPath, type InputProblems } from '../util/input-reader.js';
import { isRecord } from '../util/is-record.js';

/** URL schemes a rule can match or set. */
export type HostScheme = 'http' | 'https' | 'ws' | 'wss';

/** One rewrite rule: requests matching the left side go to `to`. */
export interface HostRule {
  /** Lower-case host as in a URL (`api.example.com`, `[::1]`); `*.example.com` matches sub-domains. */
  host: string;
  /** Only requests to this port (explicit or the scheme's default) match; undefined: any port. */
  port?: number;
  /** Only requests with this scheme match; undefined: any scheme. */
  scheme?: HostScheme;
  /** Replacement host, and port/scheme when given (otherwise the request's are kept). */
  to: { host: string; port?: number; scheme?: HostScheme };
  /**
   * `--host name=address` with no scheme on the address: http and https requests both go to it
   * as plain http (ws and wss as ws), as a bare host:port is http everywhere on Redline's
   * command line. k6's `options.hosts` keeps the request's scheme (k6 overrides DNS only).
   */
  plain?: boolean;
  /** Where the rule came from: `--host` or `options.hosts`. */
  source: string;
  /** The rule as written (for messages and the audit). */
  spec: string;
}

const DEFAULT_PORT: Record<string, number> = { http: 80, https: 443, ws: 80, wss: 443 };
/** The plain-text scheme of each scheme (a `plain` rule sends https as http, wss as ws). */
const PLAIN_SCHEME: Record<string, string> = { http: 'http', https: 'http', ws: 'ws', wss: 'ws' };
const HOST_NAME = /^(\*\.)?([a-z0-9_]([a-z0-9_-]*[a-z0-9_])?\.)*[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?$/;
const IPV6 = /^\[[0-9a-f:.]+\]$/;

interface Endpoint {
  host: string;
  port?: number;
  scheme?: HostScheme;
}

/** Parses one side of a rule (`https://host:port`, `host`, `[::1]:3000`); an error text when invalid. */
export function parseEndpoint(text: string, allowWildcard: boolean): Endpoint | string {
  let rest = text.trim().toLowerCase();
  const endpoint: Endpoint = { host: '' };
  const schemeMatch = /^([a-z]+):\/\//.exec(rest);
  if (schemeMatch) {
    const scheme = schemeMatch[1] as string;
    if (!(scheme in DEFAULT_PORT))
      return `unsupported scheme "${scheme}" (use http, https, ws or wss)`;
    endpoint.scheme = scheme as HostScheme;
    rest = rest.slice(schemeMatch[0].length);
  }
  if (rest.endsWith('/')) rest = rest.slice(0, -1);
  let portText: string | undefined;
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close < 0) return `"${text}" has an unclosed IPv6 bracket`;
    portText = rest.slice(close + 1).replace(/^:/, '') || undefined;
    rest = rest.slice(0, close + 1);
  } else if ((rest.match(/:/g) ?? []).length > 1) {
    rest = `[${rest}]`; // bare IPv6 address, no port
  } else if (rest.includes(':')) {
    portText = rest.slice(rest.indexOf(':') + 1);
    rest = rest.slice(0, rest.indexOf(':'));
  }
  if (!(IPV6.test(rest) || HOST_NAME.test(rest))) return `"${text}" is not a valid host`;
  if (rest.startsWith('*.') && !allowWildcard)
    return `"${text}": a wildcard can only be matched, not targeted`;
  endpoint.host = rest;
  if (portText !== undefined) {
    const port = /^\d{1,5}$/.test(portText) ? Number(portText) : Number.NaN;
    if (!(port >= 1 && port <= 65535)) return `"${portText}" is not a port (1-65535)`;
    endpoint.port = port;
  }
  return endpoint;
}

/** Parses a `--host from=to` spec into a rule, or returns why it is invalid. */
export function parseHostSpec(spec: string, source = '--host'): HostRule | string {
  const eq = spec.indexOf('=');
  if (eq <= 0 || eq === spec.length - 1) {
    return `"${spec}" must look like api.example.com=127.0.0.1:3000 or https://api.example.com=http://127.0.0.1:3000`;
  }
  const from = parseEndpoint(spec.slice(0, eq), true);
  if (typeof from === 'string') return from;
  const to = parseEndpoint(spec.slice(eq + 1), false);
  if (typeof to === 'string') return to;
  const rule: HostRule = { host: from.host, to, source, spec };
  if (from.port !== undefined) rule.port = from.port;
  if (from.scheme !== undefined) rule.scheme = from.scheme;
  if (source === '--host' && to.scheme === undefined) rule.plain = true;
  return rule;
}

/** Rules from k6's `options.hosts` (`{ 'api.example.com': '10.0.0.1:8080' }`), one problem per bad entry. */
export function hostRulesFromOptions(
  hosts: unknown,
  path: InputPath,
  problems: InputProblems,
): HostRule[] {
  if (hosts === undefined || hosts === null) return [];
  if (!isRecord(hosts)) {
    problems.add(path, `must be an object of host name: "address", got ${describeInput(hosts)}`);
    return [];
  }
  const rules: HostRule[] = [];
  for (const [name, address] of Object.entries(hosts)) {
    if (typeof address !== 'string') {
      problems.add(
        [...path, name],
        `must be an address string such as "10.0.0.1:8080", got ${describeInput(address)}`,
      );
      continue;
    }
    const rule = parseHostSpec(`${name}=${address}`, 'options.hosts');
    if (typeof rule === 'string') problems.add([...path, name], rule);
    else rules.push(rule);
  }
  return rules;
}

/** Orders rules so the first match wins: command line before options, then the most specific. */
export function sortHostRules(rules: readonly HostRule[]): HostRule[] {
  const score = (rule: HostRule) =>
    (rule.source === 'options.hosts' ? 0 : 8) +
    (rule.host.startsWith('*.') ? 0 : 4) +
    (rule.port === undefined ? 0 : 2) +
    (rule.scheme === undefined ? 0 : 1);
  return [...rules].sort((a, b) => score(b) - score(a));
}

/** What {@link rewriteTarget} found: the new URL and the original `host[:port]` (k6 keeps it as Host). */
export interface RewrittenTarget {
  url: string;
  originalHost: string;
  rule: HostRule;
}

/**
 * Applies the first matching rule to `url`; undefined when no rule matches. Pure; scans the URL
 * head by character codes (no regex, no URL object) since it runs once per request.
 */
export function rewriteTarget(
  url: string,
  rules: readonly HostRule[],
): RewrittenTarget | undefined {
  if (rules.length === 0) return undefined;
  const sep = url.indexOf('://');
  if (sep <= 0) return undefined;
  const authStart = sep + 3;
  let authEnd = authStart;
  while (authEnd < url.length) {
    const c = url.charCodeAt(authEnd);
    if (c === 47 || c === 63 || c === 35) break; // '/', '?', '#'
    authEnd++;
  }
  const at = url.lastIndexOf('@', authEnd - 1);
  const hostStart = at >= authStart ? at + 1 : authStart;
  const close = url.lastIndexOf(']', authEnd - 1);
  const colon = url.lastIndexOf(':', authEnd - 1);
  const hasPort = colon >= hostStart && colon > close;
  const host = url.slice(hostStart, hasPort ? colon : authEnd).toLowerCase();
  const scheme = url.slice(0, sep).toLowerCase();
  const port = hasPort ? Number(url.slice(colon + 1, authEnd)) : DEFAULT_PORT[scheme];
  let rule: HostRule | undefined;
  for (const candidate of rules) {
    if (matches(candidate, scheme, host, port)) {
      rule = candidate;
      break;
    }
  }
  if (!rule) return undefined;
  let portPart = '';
  if (rule.to.port !== undefined) portPart = `:${rule.to.port}`;
  else if (rule.to.scheme === undefined && hasPort) portPart = url.slice(colon, authEnd);
  const userinfo = url.slice(authStart, hostStart);
  const toScheme = rule.to.scheme ?? (rule.plain ? (PLAIN_SCHEME[scheme] ?? scheme) : scheme);
  const rewritten = `${toScheme}://${userinfo}${rule.to.host}${portPart}${url.slice(authEnd)}`;
  return { url: rewritten, originalHost: url.slice(hostStart, authEnd), rule };
}

function matches(rule: HostRule, scheme: string, host: string, port: number | undefined): boolean {
  if (rule.scheme !== undefined && rule.scheme !== scheme) return false;
  if (rule.port !== undefined && rule.port !== port) return false;
  if (rule.host.charCodeAt(0) !== 42) return rule.host === host; // not '*'
  // '*.example.com': host must end with '.example.com' and have at least one label before it.
  const suffixLength = rule.host.length - 1;
  return host.length > suffixLength && host.endsWith(rule.host.slice(1));
}

/** `url` rewritten by the first matching rule, or unchanged. */
export function rewriteUrl(url: string, rules: readonly HostRule[]): string {
  return rewriteTarget(url, rules)?.url ?? url;
}

/** A `(url) => url` function for the runtime: the identity when there are no rules. */
export function createUrlRewriter(rules: readonly HostRule[]): (url: string) => string {
  if (rules.length === 0) return (url) => url;
  return (url) => rewriteUrl(url, rules);
}
