/** The option table: every decision has a reason, environment names, no-op values, and docs coverage. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { envNamesOf } from './env-overrides.js';
import { isNoopValue, OPTION_NAMES, OPTION_TABLE } from './option-names.js';

describe('OPTION_TABLE', () => {
  it('gives a reason for every ignored or rejected option', () => {
    for (const [name, info] of Object.entries(OPTION_TABLE)) {
      if (info.support === 'ignored' || info.support === 'rejected')
        expect(info.reason, name).toBeTruthy();
    }
  });

  it('lists the k6 options the brief calls out, each with a decision', () => {
    for (const name of [
      'rps',
      'linger',
      'paused',
      'ext',
      'cloud',
      'tlsAuth',
      'dns',
      'blockHostnames',
      'systemTags',
      'minIterationDuration',
      'throw',
      'httpDebug',
      'noCookiesReset',
      'noVUConnectionReuse',
      'localIPs',
    ]) {
      expect(OPTION_NAMES).toContain(name);
    }
  });

  it('is documented option by option in docs/options.md', () => {
    const docs = readFileSync(new URL('../../docs/options.md', import.meta.url), 'utf8');
    for (const name of OPTION_NAMES) expect(docs, name).toContain(`\`${name}\``);
  });
});

describe('environment names', () => {
  it.each([
    ['vus', ['REDLINE_VUS', 'K6_VUS']],
    ['insecureSkipTLSVerify', ['REDLINE_INSECURE_SKIP_TLS_VERIFY', 'K6_INSECURE_SKIP_TLS_VERIFY']],
    ['failOnCheck', ['REDLINE_FAIL_ON_CHECK']],
    ['scenarios', []],
  ])('%s', (option, names) => {
    expect(envNamesOf(option)).toEqual(names);
  });
});

describe('isNoopValue', () => {
  it.each([[false], [0], [''], [null], [undefined], [[]], [{}], ['0s'], ['false']])(
    '%j changes nothing',
    (value) => {
      expect(isNoopValue(value)).toBe(true);
    },
  );
  it.each([[true], [1], ['10s'], [['a']], [{ a: 1 }], ['x']])('%j changes something', (value) => {
    expect(isNoopValue(value)).toBe(false);
  });
});
