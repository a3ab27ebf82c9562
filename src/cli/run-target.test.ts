/** parseRunTarget: URLs, host:port targets without a scheme (as http), and scripts. */
import { describe, expect, it } from 'vitest';
import { parseRunTarget } from './run-target.js';

const nothingExists = () => false;

describe('parseRunTarget', () => {
  it.each([
    ['http://127.0.0.1:8080/', 'http://127.0.0.1:8080/'],
    ['HTTPS://api.example.com/x', 'HTTPS://api.example.com/x'],
    ['127.0.0.1:8080/', 'http://127.0.0.1:8080/'],
    ['127.0.0.1:8080', 'http://127.0.0.1:8080'],
    ['localhost:3000/items?limit=5', 'http://localhost:3000/items?limit=5'],
    ['[::1]:8080', 'http://[::1]:8080'],
    ['[::1]:8080/health', 'http://[::1]:8080/health'],
    ['api.internal:80#top', 'http://api.internal:80#top'],
  ])('%s is the URL %s', (target, url) => {
    expect(parseRunTarget(target, nothingExists)).toEqual({ kind: 'url', url });
  });

  it.each([
    'test.js',
    'flows/login.ts',
    'plan.yaml',
    'localhost/', // no port: a missing script (the error then suggests http://localhost/)
    '127.0.0.1:99999/', // not a port
    'C:\\scripts\\test.js',
    'host:port',
  ])('%s is a script', (target) => {
    expect(parseRunTarget(target, nothingExists)).toEqual({ kind: 'script', path: target });
  });

  it('a file that exists on disk stays a script, even when it looks like host:port', () => {
    expect(parseRunTarget('127.0.0.1:8080', (p) => p === '127.0.0.1:8080')).toEqual({
      kind: 'script',
      path: '127.0.0.1:8080',
    });
  });
});
