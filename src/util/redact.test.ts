// Tests of the shared redaction helper on the shapes secrets arrive in.
import { afterEach, describe, expect, it } from 'vitest';
import {
  addRedactedNames,
  isSensitiveKey,
  REDACT_PARAMS_ENV,
  REDACTED,
  redactDeep,
  redactedNames,
  redactHeaders,
  redactSourceLine,
  redactTags,
  redactText,
  resetRedactedNames,
} from './redact.js';

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

describe('URL query values', () => {
  afterEach(() => resetRedactedNames());

  const secretParams = [
    'access_token',
    'password',
    'token',
    'api_key',
    'apikey',
    'api-key',
    'key',
    'secret',
    'client_secret',
    'session',
    'sessionid',
    'JSESSIONID',
    'sig',
    'signature',
    'X-Amz-Signature',
    'X-Amz-Credential',
    'X-Amz-Security-Token',
    'auth',
    'refresh_token',
    'id_token',
    'code_verifier',
    'user[password]',
    'access%5Ftoken',
  ];
  for (const name of secretParams) {
    it(`redacts the value of ${name} and keeps the name and the other parameters`, () => {
      const url = `http://127.0.0.1:8080/a/b?page=2&${name}=S3cr3tValue&keyboard=x&monkey=1`;
      const out = redactText(url);
      expect(out).toBe(`http://127.0.0.1:8080/a/b?page=2&${name}=${REDACTED}&keyboard=x&monkey=1`);
    });
  }

  it('keeps parameters that only look like secret names', () => {
    const url =
      'http://h/x?page=2&keyboard=x&monkey=1&tokens=3&passes=4&author=me&code=FR&sort_key=a';
    expect(redactText(url)).toBe(url);
  });

  it('redacts an OAuth authorization code next to OAuth parameters or on a callback path only', () => {
    expect(redactText('http://h/cb?code=AbCdEf123&state=xyz')).toBe(
      `http://h/cb?code=${REDACTED}&state=xyz`,
    );
    expect(redactText('http://h/oauth2/callback?code=AbCdEf123')).toBe(
      `http://h/oauth2/callback?code=${REDACTED}`,
    );
    expect(redactText('grant_type=authorization_code&code=AbCdEf123&redirect_uri=x')).toBe(
      `grant_type=authorization_code&code=${REDACTED}&redirect_uri=x`,
    );
    expect(redactText('http://h/countries?code=FR&page=2')).toBe(
      'http://h/countries?code=FR&page=2',
    );
  });

  it('redacts values exactly inside a URL (commas, semicolons, quotes) and in fragments', () => {
    expect(redactText('https://h/p?token=a,b;c"d&x=1')).toBe(`https://h/p?token=${REDACTED}&x=1`);
    expect(redactText('https://h/p#access_token=abc&token_type=bearer')).toBe(
      `https://h/p#access_token=${REDACTED}&token_type=bearer`,
    );
  });

  it('redacts all of the userinfo (a user name can be a token)', () => {
    expect(redactText('http://alice:pw1234@h:8080/x?y=1')).toBe(`http://${REDACTED}@h:8080/x?y=1`);
    expect(redactText('https://sk_live_abc:@api.example.test/')).toBe(
      `https://${REDACTED}@api.example.test/`,
    );
    expect(redactText('see postgres://app:hunter2@db:5432/x now')).toBe(
      `see postgres://${REDACTED}@db:5432/x now`,
    );
  });

  it('redacts query values inside free text', () => {
    expect(redactText('GET http://h/a?session=abc123&page=2 failed: reset')).toBe(
      `GET http://h/a?session=${REDACTED}&page=2 failed: reset`,
    );
  });

  it('redacts names the user adds, exactly (after normalisation)', () => {
    const url = 'http://h/x?tenant_pin=1234&pin=5678&page=2';
    expect(redactText(url)).toBe(url);
    addRedactedNames(['Tenant-Pin']);
    expect(redactText(url)).toBe(`http://h/x?tenant_pin=${REDACTED}&pin=5678&page=2`);
    expect(redactedNames()).toEqual(['tenantpin']);
    expect(isSensitiveKey('TENANT_PIN')).toBe(true);
  });

  it('reads names from REDLINE_REDACT_PARAMS', () => {
    const saved = process.env[REDACT_PARAMS_ENV];
    process.env[REDACT_PARAMS_ENV] = 'pin, otp_code';
    try {
      resetRedactedNames();
      expect(redactText('http://h/x?pin=1&otp_code=2&n=3')).toBe(
        `http://h/x?pin=${REDACTED}&otp_code=${REDACTED}&n=3`,
      );
    } finally {
      if (saved === undefined) delete process.env[REDACT_PARAMS_ENV];
      else process.env[REDACT_PARAMS_ENV] = saved;
    }
  });

  it('is idempotent on URLs', () => {
    const once = redactText('http://u:p@h/x?token=abc&page=2');
    expect(redactText(once)).toBe(once);
  });
});

describe('redactTags', () => {
  it('redacts url and name tags, values under secret tag names, and returns the same object when clean', () => {
    const clean = { method: 'GET', url: 'http://h/x?page=2', status: '200' };
    expect(redactTags(clean)).toBe(clean);
    const tags = { url: 'http://h/x?token=abc', name: 'http://h/x?token=abc', session: 'xyz' };
    expect(redactTags(tags)).toEqual({
      url: `http://h/x?token=${REDACTED}`,
      name: `http://h/x?token=${REDACTED}`,
      session: REDACTED,
    });
  });
});

describe('redactSourceLine', () => {
  const cases: Array<[string, string, string]> = [
    ['token constant', "const API_TOKEN = 'tok_4f9a8b7c6d5e4f3a2b1c';", 'tok_4f9a8b7c6d5e4f3a2b1c'],
    ['AWS access key id', "createHmac('sha256', 'AKIAIOSFODNN7EXAMPLE')", 'AKIAIOSFODNN7EXAMPLE'],
    [
      'AWS secret key',
      "const s3 = new S3({ secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' });",
      'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    ],
    ['password property', "db.connect({ user: 'app', password: 'hunter2!' })", 'hunter2!'],
    ['password assignment', 'const dbPassword = "correct horse";', 'correct horse'],
    ['connection string', "new Pool('postgres://app:pw-9876@db/x')", 'pw-9876'],
    [
      'GitHub token',
      'fetch(u, { headers: { a: `ghp_' + 'a'.repeat(36) + '` } })',
      `ghp_${'a'.repeat(36)}`,
    ],
    ['Stripe key', "stripe('sk_live_51Habcdefghijklmnop')", 'sk_live_51Habcdefghijklmnop'],
    ['opaque literal', "sign(body, 'q8Zr2LmX0vTn4WcB7yKp1sDf')", 'q8Zr2LmX0vTn4WcB7yKp1sDf'],
    ['private key', "const k = '-----BEGIN RSA PRIVATE KEY-----MIIEow';", 'MIIEow'],
  ];
  for (const [name, line, secret] of cases) {
    it(`removes a ${name}`, () => {
      const out = redactSourceLine(line);
      expect(out).not.toContain(secret);
      expect(out).toContain(REDACTED);
    });
  }

  it('keeps ordinary code readable', () => {
    const line =
      "const rows = await db.query('SELECT * FROM users WHERE id = $1', [id]); cache.get({ key: 'users' });";
    expect(redactSourceLine(line)).toBe(line);
  });

  it('trims long lines around the column', () => {
    const line = `${'a'.repeat(500)}HOT${'b'.repeat(500)}`;
    const out = redactSourceLine(line, 501, 100);
    expect(out.length).toBeLessThanOrEqual(102);
    expect(out).toContain('HOT');
    expect(out.startsWith('…')).toBe(true);
    expect(out.endsWith('…')).toBe(true);
  });
});
