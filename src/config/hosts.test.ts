/** Host rules: parsing `--host` specs and options.hosts, ordering, and rewriteUrl. */

import { describe, expect, it } from 'vitest';
import { formatInputPath, InputProblems } from '../util/input-reader.js';
import {
  createUrlRewriter,
  type HostRule,
  hostRulesFromOptions,
  parseHostSpec,
  rewriteTarget,
  rewriteUrl,
  sortHostRules,
} from './hosts.js';

function rule(spec: string, source = '--host'): HostRule {
  const parsed = parseHostSpec(spec, source);
  if (typeof parsed === 'string') throw new Error(parsed);
  return parsed;
}

describe('parseHostSpec', () => {
  const cases: Array<[string, Partial<HostRule>]> = [
    [
      'api.example.com=127.0.0.1:3000',
      { host: 'api.example.com', to: { host: '127.0.0.1', port: 3000 } },
    ],
    [
      'API.Example.com:443=127.0.0.1:3000',
      { host: 'api.example.com', port: 443, to: { host: '127.0.0.1', port: 3000 } },
    ],
    [
      'https://api.example.com=http://127.0.0.1:3000',
      {
        host: 'api.example.com',
        scheme: 'https',
        to: { host: '127.0.0.1', port: 3000, scheme: 'http' },
      },
    ],
    ['*.example.com=10.0.0.1', { host: '*.example.com', to: { host: '10.0.0.1' } }],
    ['api.example.com=[::1]:8080', { host: 'api.example.com', to: { host: '[::1]', port: 8080 } }],
    ['api.example.com=::1', { host: 'api.example.com', to: { host: '[::1]' } }],
    [
      'api.example.com=staging.internal',
      { host: 'api.example.com', to: { host: 'staging.internal' } },
    ],
  ];
  it.each(cases)('%s', (spec, expected) => {
    // A --host address without a scheme is plain http for http and https requests alike.
    const plain = spec.slice(spec.indexOf('=') + 1).includes('://') ? {} : { plain: true };
    expect(rule(spec)).toEqual({ spec, source: '--host', ...plain, ...expected });
  });

  it('keeps the request scheme for k6 options.hosts (k6 overrides DNS only)', () => {
    expect(rule('api.example.com=127.0.0.1:3000', 'options.hosts').plain).toBeUndefined();
  });

  it.each([
    ['api.example.com', 'must look like'],
    ['=127.0.0.1', 'must look like'],
    ['api.example.com=', 'must look like'],
    ['ftp://api.example.com=127.0.0.1', 'unsupported scheme "ftp"'],
    ['api.example.com=127.0.0.1:99999', '"99999" is not a port'],
    ['api example.com=127.0.0.1', 'is not a valid host'],
    ['api.example.com=*.other.com', 'a wildcard can only be matched'],
  ])('rejects %s', (spec, message) => {
    expect(parseHostSpec(spec)).toContain(message);
  });
});

describe('rewriteUrl', () => {
  const rules = sortHostRules([
    rule('api.example.com=127.0.0.1:3000'),
    rule('https://secure.example.com=http://127.0.0.1:4000'),
    rule('ports.example.com:8443=127.0.0.1:5000'),
    rule('*.cdn.example.com=10.0.0.9'),
    rule('api.example.com=10.9.9.9', 'options.hosts'),
  ]);
  const cases: Array<[string, string]> = [
    ['http://api.example.com/users?id=1', 'http://127.0.0.1:3000/users?id=1'],
    // --host name=address maps both schemes: https goes to the address as plain http.
    ['https://API.example.com', 'http://127.0.0.1:3000'],
    ['https://user:pw@api.example.com:9000/x#frag', 'http://user:pw@127.0.0.1:3000/x#frag'],
    ['https://secure.example.com/login', 'http://127.0.0.1:4000/login'],
    ['http://secure.example.com/login', 'http://secure.example.com/login'],
    ['https://ports.example.com:8443/a', 'http://127.0.0.1:5000/a'],
    ['https://ports.example.com/a', 'https://ports.example.com/a'],
    ['http://img.cdn.example.com:81/p.png', 'http://10.0.0.9:81/p.png'],
    ['http://cdn.example.com/p.png', 'http://cdn.example.com/p.png'],
    ['http://other.test/', 'http://other.test/'],
    ['not a url', 'not a url'],
  ];
  it.each(cases)('%s -> %s', (url, expected) => {
    expect(rewriteUrl(url, rules)).toBe(expected);
  });

  it('keeps the original host for a Host header and says which rule matched', () => {
    expect(rewriteTarget('https://api.example.com:8443/x', rules)).toMatchObject({
      url: 'http://127.0.0.1:3000/x',
      originalHost: 'api.example.com:8443',
      rule: { source: '--host' },
    });
  });

  it('matches a port rule against the scheme default port', () => {
    expect(rewriteUrl('https://api.test/x', [rule('api.test:443=127.0.0.1:1')])).toBe(
      'http://127.0.0.1:1/x',
    );
    expect(rewriteUrl('http://api.test/x', [rule('api.test:443=127.0.0.1:1')])).toBe(
      'http://api.test/x',
    );
  });

  it('--host name=address sends http and https requests to the address as plain http', () => {
    const plain = [rule('api.test=127.0.0.1:3000')];
    expect(rewriteUrl('http://api.test/a', plain)).toBe('http://127.0.0.1:3000/a');
    expect(rewriteUrl('https://api.test/a', plain)).toBe('http://127.0.0.1:3000/a');
    expect(rewriteUrl('wss://api.test/ws', plain)).toBe('ws://127.0.0.1:3000/ws');
    // A scheme on the address keeps TLS; k6's options.hosts keeps the request's scheme.
    expect(rewriteUrl('https://api.test/a', [rule('api.test=https://10.0.0.5')])).toBe(
      'https://10.0.0.5/a',
    );
    expect(
      rewriteUrl('https://api.test/a', [rule('api.test=127.0.0.1:3000', 'options.hosts')]),
    ).toBe('https://127.0.0.1:3000/a');
  });

  it('is the identity without rules', () => {
    const identity = createUrlRewriter([]);
    expect(identity('http://a.test/')).toBe('http://a.test/');
    expect(createUrlRewriter(rules)('http://api.example.com/')).toBe('http://127.0.0.1:3000/');
  });
});

describe('options.hosts', () => {
  it('turns k6 hosts into rules and reports bad entries', () => {
    const problems = new InputProblems();
    const rules = hostRulesFromOptions(
      { 'a.test': '10.0.0.1', 'b.test:8080': '10.0.0.2:80', 'c.test': 5, 'd.test': 'no spaces' },
      ['options', 'hosts'],
      problems,
    );
    expect(rules.map((r) => [r.host, r.port, r.to])).toEqual([
      ['a.test', undefined, { host: '10.0.0.1' }],
      ['b.test', 8080, { host: '10.0.0.2', port: 80 }],
    ]);
    expect(problems.problems.map((p) => formatInputPath(p.path))).toEqual([
      'options.hosts["c.test"]',
      'options.hosts["d.test"]',
    ]);
  });

  it('orders command-line rules first, then the most specific', () => {
    const sorted = sortHostRules([
      rule('a.test=1.1.1.1', 'options.hosts'),
      rule('*.test=2.2.2.2'),
      rule('a.test:80=3.3.3.3'),
      rule('a.test=4.4.4.4'),
    ]);
    expect(sorted.map((r) => r.to.host)).toEqual(['3.3.3.3', '4.4.4.4', '2.2.2.2', '1.1.1.1']);
  });
});
