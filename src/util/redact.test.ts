// Tests of the shared redaction helper on the shapes secrets arrive in.
import { describe, expect, it } from 'vitest';
import { isSensitiveKey, REDACTED, redactDeep, redactHeaders, redactText } from './redact.js';

describe('redactText', () => {
  const cases: Array<[string, string, string]> = [
    ['url credentials', 'GET https://alice:s3cr3t-pw@api.example.test/x', 's3cr3t-pw'],
    [
      'token as url user',
      'https://ghp_abcdefghijklmnop1234@git.example.test/',
      'ghp_abcdefghijklmnop1234',
    ],
    ['query token', 'GET /items?limit=20&token=abc123XYZ&x=1', 'abc123XYZ'],
    ['access_token', '/cb#access_token=zzzTOKENzzz', 'zzzTOKENzzz'],
    ['api key param', '/maps?key=AIzaSyFAKE000', 'AIzaSyFAKE000'],
    ['header line', 'Authorization: Bearer abc.def.ghi', 'abc.def.ghi'],
    ['cookie header', 'cookie: sid=9f8e7d6c; theme=dark', '9f8e7d6c'],
    ['json password', '{"email":"a@b.c","password":"password123"}', 'password123'],
    ['single-quoted', "login({ password: 'hunter22' })", 'hunter22'],
    ['form body', 'email=a%40b.c&password=letmein99', 'letmein99'],
    [
      'bearer in text',
      'sent Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig-part',
      'eyJhbGciOiJIUzI1NiJ9',
    ],
    ['basic', 'Basic dXNlcjpwYXNzd29yZDE=', 'dXNlcjpwYXNzd29yZDE='],
    ['yaml', 'api_key: sk_live_0123456789', 'sk_live_0123456789'],
  ];
  for (const [name, input, secret] of cases) {
    it(`removes ${name}`, () => {
      const out = redactText(input);
      expect(out).not.toContain(secret);
      expect(out).toContain(REDACTED);
    });
  }

  it('keeps ordinary text, numbers and routes intact', () => {
    const text = 'GET /items?limit=20 took 212ms (status 200, passes 10, tokens 3)';
    expect(redactText(text)).toBe(text);
  });

  it('removes known secret values anywhere', () => {
    expect(redactText('user typed Tr0ub4dor in a search', { secrets: ['Tr0ub4dor'] })).toBe(
      `user typed ${REDACTED} in a search`,
    );
  });

  it('is idempotent', () => {
    const once = redactText('Authorization: Bearer abc; /x?token=1');
    expect(redactText(once)).toBe(once);
  });
});

describe('redactDeep', () => {
  it('redacts values under sensitive keys and strings everywhere, keys included', () => {
    const input = {
      headers: { Authorization: 'Bearer xyz789', 'X-Api-Key': 'k-123456', Accept: 'json' },
      body: { email: 'a@b.c', password: 'pw-000111' },
      checks: [{ name: 'login ok', passes: 3, fails: 1 }],
      errors: { 'GET /x?token=tok999': 2 },
    };
    const out = redactDeep(input);
    const text = JSON.stringify(out);
    for (const secret of ['xyz789', 'k-123456', 'pw-000111', 'tok999'])
      expect(text).not.toContain(secret);
    expect(out.checks[0]).toEqual({ name: 'login ok', passes: 3, fails: 1 });
    expect(out.headers.Accept).toBe('json');
    expect(input.body.password).toBe('pw-000111');
  });

  it('classifies keys', () => {
    for (const k of [
      'password',
      'Authorization',
      'x-api-key',
      'access_token',
      'Set-Cookie',
      'clientSecret',
    ]) {
      expect(isSensitiveKey(k)).toBe(true);
    }
    for (const k of ['passes', 'tokens', 'keyboard', 'status', 'count'])
      expect(isSensitiveKey(k)).toBe(false);
  });

  it('redacts header records', () => {
    expect(redactHeaders({ Cookie: 'a=b', Host: 'h' })).toEqual({ Cookie: REDACTED, Host: 'h' });
  });
});
