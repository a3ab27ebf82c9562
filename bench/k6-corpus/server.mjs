// A local stand-in for the public test services the corpus scripts call (httpbin, QuickPizza,
// test.k6.io, test-api.k6.io, reqres, gorest, swapi, petstore, mocky): one HTTP server on
// 127.0.0.1 that answers by Host header and path, plus a WebSocket echo. The runner maps every
// hostname a script names to it with `--host`, so nothing leaves the machine. The answers follow
// the real services' documented shapes closely enough for the scripts' checks; where a service
// is not emulated the answer is a plain 200 JSON document (the runner's expectations say so).
import { createHash, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { createSecureServer } from 'node:http2';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { WebSocketServer } from 'ws';

const PAGE = (title, body) =>
  `<!DOCTYPE html><html><head><title>${title}</title><link rel="stylesheet" href="/static/css/site.css"></head><body>${body}</body></html>`;

const TEST_K6_HOME = PAGE(
  'Demo website for load testing',
  `<h1>Welcome to the k6.io demo site!</h1>
<p class="description">Collection of simple web-pages suitable for load testing. This is a replacement of the service test.k6.io, which is now part of QuickPizza.</p>
<ul><li><a href="/contacts.php">a contact form</a></li><li><a href="/news.php">a news page</a></li>
<li><a href="/pi.php?decimals=3">calculate Pi</a></li><li><a href="/flip_coin.php">flip a coin</a></li>
<li><a href="/my_messages.php">my messages</a></li><li><a href="/browser.php">browser</a></li></ul>
<img src="/static/logo.svg">`,
);

const LOGIN_PAGE = PAGE(
  'Login',
  `<h2>Unauthorized</h2><form method="post" action="/login.php">
<input type="hidden" name="csrftoken" value="1234567890abcdef">
<input type="hidden" name="redir" value="1">
<input type="text" name="login" value=""><input type="password" name="password" value="">
<input type="submit" value="Go!"></form>`,
);

const PIZZA_INGREDIENTS = [
  { name: 'Mozzarella', caloriesPerSlice: 90, vegetarian: true },
  { name: 'Tomato', caloriesPerSlice: 10, vegetarian: true },
  { name: 'Basil', caloriesPerSlice: 2, vegetarian: true },
];

const CROCS = Array.from({ length: 8 }, (_, i) => ({
  id: i + 1,
  name: ['Bert', 'Ed', 'Lyle Lyle', 'Solomon', 'Sobek', 'Sang Buaya', 'Hyde', 'Smiley'][i],
  sex: i % 2 ? 'F' : 'M',
  date_of_birth: `20${10 + i}-01-0${(i % 9) + 1}`,
  age: 5 + i,
}));

function readBody(req) {
  return new Promise((resolve) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
  });
}

function parseCookies(header = '') {
  const out = {};
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) out[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return out;
}

async function parseForm(req, body) {
  const type = req.headers['content-type'] ?? '';
  const form = {};
  const files = {};
  if (type.startsWith('application/x-www-form-urlencoded')) {
    for (const [k, v] of new URLSearchParams(body.toString())) {
      form[k] = k in form ? [].concat(form[k], v) : v;
    }
  } else if (type.startsWith('multipart/form-data')) {
    const data = await new Response(body, { headers: { 'content-type': type } }).formData();
    for (const [k, v] of data) {
      if (typeof v === 'string') form[k] = v;
      else files[k] = Buffer.from(await v.arrayBuffer()).toString();
    }
  }
  return { form, files };
}

/** httpbin's echo document for a request. */
async function echo(req, url, body) {
  const args = {};
  for (const [k, v] of url.searchParams) args[k] = k in args ? [].concat(args[k], v) : v;
  const headers = {};
  for (const [k, v] of Object.entries(req.headers)) {
    headers[k.replace(/(^|-)([a-z])/g, (_, d, c) => d + c.toUpperCase())] = v;
  }
  const { form, files } = await parseForm(req, body);
  let json = null;
  try {
    json = JSON.parse(body.toString());
  } catch {}
  return {
    args,
    data: Object.keys(form).length || Object.keys(files).length ? '' : body.toString(),
    files,
    form,
    headers,
    json,
    method: req.method,
    origin: '127.0.0.1',
    url: `https://${req.headers.host}${url.pathname}${url.search}`,
  };
}

function send(res, status, body, headers = {}) {
  const isText = typeof body === 'string' || Buffer.isBuffer(body);
  const payload = isText ? body : JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': isText ? 'text/html; charset=utf-8' : 'application/json',
    ...headers,
  });
  res.end(payload);
}

function digestChallenge(res, qop, algorithm) {
  const nonce = randomUUID().replace(/-/g, '');
  res.setHeader(
    'WWW-Authenticate',
    `Digest realm="me@kennethreitz.com", nonce="${nonce}", qop="${qop}", opaque="${nonce.slice(0, 16)}", algorithm=${algorithm}, stale=FALSE`,
  );
  send(res, 401, '');
}

function checkDigest(req, user, pass, algorithm) {
  const h = req.headers.authorization ?? '';
  if (!h.startsWith('Digest ')) return false;
  const p = {};
  for (const m of h.slice(7).matchAll(/(\w+)=(?:"([^"]*)"|([^,\s]*))/g)) p[m[1]] = m[2] ?? m[3];
  const alg = algorithm.toLowerCase().startsWith('sha-256') ? 'sha256' : 'md5';
  const H = (s) => createHash(alg).update(s).digest('hex');
  const ha1 = H(`${user}:${p.realm}:${pass}`);
  const ha2 = H(`${req.method}:${p.uri}`);
  const expected = p.qop
    ? H(`${ha1}:${p.nonce}:${p.nc}:${p.cnonce}:${p.qop}:${ha2}`)
    : H(`${ha1}:${p.nonce}:${ha2}`);
  return p.username === user && p.response === expected;
}

/** httpbin's routes; returns true when it answered. */
async function httpbin(req, res, url, body) {
  const path = url.pathname;
  let m;
  const hit = (re) => {
    m = re.exec(path);
    return m !== null;
  };
  if (/^\/(get|post|put|patch|delete|anything)(\/|$)/.test(path)) {
    send(res, 200, await echo(req, url, body));
  } else if (hit(/^\/status\/([\d,]+)/)) {
    const codes = m[1].split(',');
    send(res, Number(codes[Math.floor(Math.random() * codes.length)]), '');
  } else if (path === '/headers') {
    send(res, 200, { headers: (await echo(req, url, body)).headers });
  } else if (path === '/ip') send(res, 200, { origin: '127.0.0.1' });
  else if (path === '/user-agent') send(res, 200, { 'user-agent': req.headers['user-agent'] });
  else if (path === '/uuid') send(res, 200, { uuid: randomUUID() });
  else if (path === '/cookies') send(res, 200, { cookies: parseCookies(req.headers.cookie) });
  else if (path === '/cookies/set') {
    const set = [...url.searchParams].map(([k, v]) => `${k}=${v}; Path=/`);
    res.setHeader('Set-Cookie', set);
    res.setHeader('Location', '/cookies');
    send(res, 302, '');
  } else if (path === '/cookies/delete') {
    const set = [...url.searchParams.keys()].map(
      (k) => `${k}=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/`,
    );
    res.setHeader('Set-Cookie', set);
    res.setHeader('Location', '/cookies');
    send(res, 302, '');
  } else if (hit(/^\/basic-auth\/([^/]+)\/([^/]+)/)) {
    const expected = `Basic ${Buffer.from(`${m[1]}:${m[2]}`).toString('base64')}`;
    if (req.headers.authorization === expected) send(res, 200, { authenticated: true, user: m[1] });
    else {
      res.setHeader('WWW-Authenticate', 'Basic realm="Fake Realm"');
      send(res, 401, '');
    }
  } else if (hit(/^\/digest-auth\/([^/]+)\/([^/]+)\/([^/]+)(?:\/([^/]+))?/)) {
    const algorithm = m[4] ?? 'MD5';
    if (checkDigest(req, m[2], m[3], algorithm))
      send(res, 200, { authenticated: true, user: m[2] });
    else digestChallenge(res, m[1], algorithm);
  } else if (hit(/^\/(relative-|absolute-)?redirect\/(\d+)/)) {
    const n = Number(m[2]);
    res.setHeader('Location', n <= 1 ? '/get' : `/${m[1] ?? ''}redirect/${n - 1}`);
    send(res, 302, '');
  } else if (path === '/redirect-to') {
    res.setHeader('Location', url.searchParams.get('url') ?? '/get');
    send(res, Number(url.searchParams.get('status_code') ?? 302), '');
  } else if (hit(/^\/delay\/([\d.]+)/)) {
    setTimeout(
      async () => send(res, 200, await echo(req, url, body)),
      Math.min(Number(m[1]), 1) * 1000,
    );
  } else if (hit(/^\/(bytes|stream-bytes)\/(\d+)/)) {
    send(res, 200, Buffer.alloc(Math.min(Number(m[2]), 1 << 20), 7), {
      'Content-Type': 'application/octet-stream',
    });
  } else if (path === '/json') {
    send(res, 200, {
      slideshow: { author: 'Yours Truly', title: 'Sample Slide Show', slides: [] },
    });
  } else if (path === '/html')
    send(res, 200, PAGE('Herman Melville', '<h1>Herman Melville - Moby-Dick</h1>'));
  else if (path === '/xml')
    send(res, 200, '<?xml version="1.0"?><slideshow></slideshow>', {
      'Content-Type': 'application/xml',
    });
  else if (path === '/gzip')
    send(res, 200, gzipSync(JSON.stringify({ gzipped: true })), {
      'Content-Type': 'application/json',
      'Content-Encoding': 'gzip',
    });
  else if (path === '/deflate')
    send(res, 200, deflateSync(JSON.stringify({ deflated: true })), {
      'Content-Type': 'application/json',
      'Content-Encoding': 'deflate',
    });
  else if (path === '/brotli')
    send(res, 200, brotliCompressSync(JSON.stringify({ brotli: true })), {
      'Content-Type': 'application/json',
      'Content-Encoding': 'br',
    });
  else if (path === '/response-headers') {
    for (const [k, v] of url.searchParams) res.setHeader(k, v);
    send(res, 200, Object.fromEntries(url.searchParams));
  } else if (hit(/^\/base64\/(.+)/)) send(res, 200, Buffer.from(m[1], 'base64url').toString());
  else if (path.startsWith('/image'))
    send(res, 200, Buffer.alloc(64, 1), { 'Content-Type': 'image/png' });
  else if (path === '/forms/post') {
    send(
      res,
      200,
      PAGE(
        'form',
        '<form method="post" action="/post"><input name="custname"><input type="submit"></form>',
      ),
    );
  } else if (path === '/')
    send(
      res,
      200,
      PAGE(
        'httpbin.org',
        '<h2>httpbin.org</h2><p>A simple HTTP Request &amp; Response Service.</p>',
      ),
    );
  else return false;
  return true;
}

/** test.k6.io's pages (also under QuickPizza's /test.k6.io/ prefix). */
async function testK6(req, res, path, url, body) {
  const cookies = parseCookies(req.headers.cookie);
  if (path === '/' || path === '') send(res, 200, TEST_K6_HOME);
  else if (path === '/contacts.php')
    send(
      res,
      200,
      PAGE('Contacts', '<h3>Contact us</h3><form method="post"><input name="name"></form>'),
    );
  else if (path === '/news.php')
    send(res, 200, PAGE('News', '<h1>In the news</h1><div class="news">Breaking</div>'));
  else if (path === '/pi.php') {
    const d = Math.min(Number(url.searchParams.get('decimals') ?? 2), 50);
    send(res, 200, Math.PI.toFixed(Math.min(d, 15)).padEnd(d + 2, '9'));
  } else if (path === '/flip_coin.php') {
    const bet = url.searchParams.get('bet') ?? 'heads';
    const result = Math.random() < 0.5 ? 'heads' : 'tails';
    send(
      res,
      200,
      PAGE(
        'Flip coin',
        `<h1>You bet on ${bet}. ${result === bet ? 'You won' : 'You lost'}! Result: ${result}</h1>`,
      ),
    );
  } else if (path === '/my_messages.php') {
    if (cookies.sid) send(res, 200, PAGE('My messages', '<h2>Welcome, admin!</h2>'));
    else send(res, 200, LOGIN_PAGE);
  } else if (path === '/login.php') {
    const { form } = await parseForm(req, body);
    if (req.method === 'POST' && form.login === 'admin' && form.password === '123') {
      res.setHeader('Set-Cookie', 'sid=0123456789abcdef; Path=/');
      send(res, 200, PAGE('My messages', '<h2>Welcome, admin!</h2>'));
    } else send(res, 200, LOGIN_PAGE);
  } else if (path === '/browser.php')
    send(res, 200, PAGE('Browser', '<input id="checkbox1" type="checkbox">'));
  else if (path.startsWith('/static/')) {
    const type = path.endsWith('.css')
      ? 'text/css'
      : path.endsWith('.js')
        ? 'application/javascript'
        : 'image/x-icon';
    send(res, 200, `/* ${path} */`, { 'Content-Type': type });
  } else return false;
  return true;
}

/**
 * QuickPizza's users as its database seeds them (testdata.yaml): `default` (id 1) takes any
 * password; the others have a plain-text password. Users made with POST /api/users join them.
 */
const QP_USERS = new Map([
  ['default', { id: 1, username: 'default', token: 'abcdef0123456789' }],
  [
    'synthetics_multihttp_example',
    {
      id: 2,
      username: 'synthetics_multihttp_example',
      password: 'synthetics_multihttp_example',
      token: 'woSyhhrE3pQVUxMU',
    },
  ],
  [
    'studio-user',
    { id: 3, username: 'studio-user', password: 'k6studiorocks', token: 'oBGOPc5tVtk9WAgf' },
  ],
]);

/** A JSON request body, or {} when it is not JSON. */
function jsonBody(body) {
  try {
    const value = JSON.parse(body.toString() || '{}');
    return value && typeof value === 'object' ? value : {};
  } catch {
    return {};
  }
}

/** QuickPizza's token of a request (`Authorization: token|bearer <16 characters>`), or ''. */
function quickpizzaToken(req) {
  const [prefix, token] = (req.headers.authorization ?? '').split(' ');
  return ['token', 'bearer'].includes(prefix?.toLowerCase()) && token?.length === 16 ? token : '';
}

/** QuickPizza's users API: sign-up, login (401 for a wrong password), token authentication. */
function quickpizzaUsers(req, res, path, body) {
  if (path === '/api/users' && req.method === 'POST') {
    const { username, password } = jsonBody(body);
    if (!username || !password || QP_USERS.has(username)) {
      send(res, 400, { error: 'invalid user or username taken' });
      return true;
    }
    const token = randomUUID().replace(/-/g, '').slice(0, 16);
    QP_USERS.set(username, { id: QP_USERS.size + 1, username, password, token });
    send(res, 201, { id: QP_USERS.size, username });
  } else if (path === '/api/users/token/login') {
    const { username, password } = jsonBody(body);
    const user = QP_USERS.get(username);
    if (!user || (user.password !== undefined && user.password !== password))
      send(res, 401, { error: 'authentication failed' });
    else send(res, 200, { token: user.token });
  } else if (path === '/api/users/token/authenticate' && req.method === 'POST') {
    const token = quickpizzaToken(req);
    // Any well-formed token that matches no user is the default user (QuickPizza's rule).
    const user = [...QP_USERS.values()].find((u) => u.token === token) ?? QP_USERS.get('default');
    if (!token) send(res, 401, { error: 'authentication failed' });
    else send(res, 200, { id: user.id, username: user.username });
  } else return false;
  return true;
}

/** QuickPizza's API (the parts the workshop scripts use). */
async function quickpizza(req, res, url, body) {
  const path = url.pathname;
  if (path.startsWith('/test.k6.io'))
    return testK6(req, res, path.slice('/test.k6.io'.length) || '/', url, body);
  // QuickPizza serves the legacy test.k6.io pages at its root too.
  if (path === '/pi.php' || path === '/flip_coin.php') return testK6(req, res, path, url, body);
  if (quickpizzaUsers(req, res, path, body)) return true;
  if (path === '/metrics') {
    send(
      res,
      200,
      '# HELP k6quickpizza_server_http_requests_total HTTP requests\n# TYPE k6quickpizza_server_http_requests_total counter\nk6quickpizza_server_http_requests_total 1\n',
      {
        'Content-Type': 'text/plain; version=0.0.4',
      },
    );
    return true;
  }
  if (path === '/api/pizza' && req.method === 'POST') {
    // Current QuickPizza wants a token; the version the workshop uses took an X-User-ID header.
    if (!req.headers.authorization && !req.headers['x-user-id']) {
      send(res, 401, { error: 'authentication required' });
      return true;
    }
    // A custom name (cut to 64 characters, as QuickPizza does) replaces the generated one.
    const customName = String(jsonBody(body).customName ?? '').slice(0, 64);
    send(res, 200, {
      pizza: {
        id: Math.floor(Math.random() * 10000),
        name: customName || 'Margherita of the day',
        dough: { name: 'Thin', caloriesPerSlice: 140 },
        ingredients: PIZZA_INGREDIENTS,
        tool: 'Pizza cutter',
      },
      calories: 1010,
      vegetarian: true,
    });
  } else if (path === '/api/csrf-token') {
    res.setHeader('Set-Cookie', 'csrf_token=abcdef123456; Path=/');
    send(res, 200, { 'csrf-token': 'abcdef123456' });
  } else if (path === '/api/ratings')
    send(
      res,
      req.method === 'POST' ? 201 : 200,
      req.method === 'POST' ? { id: 1, stars: 5, pizza_id: 1 } : { ratings: [] },
    );
  else if (path === '/api/names') send(res, 200, { names: ['Margherita'] });
  else if (path === '/api/quotes') send(res, 200, { quotes: ['Pizza is the answer.'] });
  else if (path === '/api/tools') send(res, 200, { tools: ['Pizza cutter', 'Knife'] });
  else if (path === '/api/ingredients/topping') send(res, 200, { ingredients: PIZZA_INGREDIENTS });
  else if (path === '/' || path === '')
    send(res, 200, PAGE('QuickPizza', '<h1>Looking to break out of your pizza routine?</h1>'));
  else return false;
  return true;
}

/** test-api.k6.io (the crocodile API). */
async function crocodiles(req, res, url, body) {
  const path = url.pathname;
  const auth = req.headers.authorization ?? '';
  let m;
  const hit = (re) => {
    m = re.exec(path);
    return m !== null;
  };
  if (path === '/public/crocodiles/' || path === '/public/crocodiles') send(res, 200, CROCS);
  else if (hit(/^\/public\/crocodiles\/(\d+)\/?$/)) {
    const c = CROCS[Number(m[1]) - 1];
    send(res, c ? 200 : 404, c ?? { detail: 'Not found.' });
  } else if (path === '/user/register/') {
    let fields = {};
    try {
      fields = JSON.parse(body.toString());
    } catch {
      fields = (await parseForm(req, body)).form;
    }
    send(res, 201, {
      username: fields.username,
      first_name: fields.first_name ?? '',
      last_name: fields.last_name ?? '',
      email: fields.email ?? '',
    });
  } else if (path === '/auth/token/login/' || path === '/auth/jwt/create/') {
    send(res, 200, { access: 'access-token-0123', refresh: 'refresh-token-0123' });
  } else if (path === '/auth/basic/login/' || path === '/auth/cookie/login/') {
    res.setHeader('Set-Cookie', 'sessionid=0123abcd; Path=/');
    send(res, 200, { id: 1, username: 'user' });
  } else if (path.startsWith('/my/crocodiles')) {
    if (!auth && !parseCookies(req.headers.cookie).sessionid) {
      send(res, 401, { detail: 'Authentication credentials were not provided.' });
      return true;
    }
    if (hit(/^\/my\/crocodiles\/(\d+)\/?$/)) {
      if (req.method === 'DELETE') send(res, 204, '');
      else {
        let fields = {};
        try {
          fields = JSON.parse(body.toString() || '{}');
        } catch {
          fields = (await parseForm(req, body)).form;
        }
        send(res, 200, {
          id: Number(m[1]),
          name: 'Croc',
          sex: 'M',
          date_of_birth: '2019-01-01',
          age: 5,
          ...fields,
        });
      }
    } else if (req.method === 'POST') {
      let fields = {};
      try {
        fields = JSON.parse(body.toString() || '{}');
      } catch {
        fields = (await parseForm(req, body)).form;
      }
      send(res, 201, { id: 1000 + Math.floor(Math.random() * 1000), age: 5, ...fields });
    } else send(res, 200, CROCS.slice(0, 2));
  } else if (path === '/' || path === '')
    send(res, 200, PAGE('test-api.k6.io', '<h1>Collection of simple APIs</h1>'));
  else return false;
  return true;
}

/** reqres.in, gorest.co.in, swapi.dev, petstore.swagger.io, mocky: the shapes their docs show. */
async function otherApis(req, res, host, url, body) {
  const path = url.pathname;
  let json = {};
  try {
    json = JSON.parse(body.toString() || '{}');
  } catch {}
  let m;
  const hit = (re) => {
    m = re.exec(path);
    return m !== null;
  };
  if (host === 'reqres.in') {
    if (req.method === 'POST' && path === '/api/users')
      send(res, 201, { ...json, id: '123', createdAt: new Date().toISOString() });
    else if (req.method === 'POST' && (path === '/api/login' || path === '/api/register'))
      send(res, 200, { id: 4, token: 'QpwL5tke4Pnpja7X4' });
    else if (/^\/api\/users\/\d+$/.test(path) && (req.method === 'PUT' || req.method === 'PATCH'))
      send(res, 200, { ...json, updatedAt: new Date().toISOString() });
    else if (/^\/api\/users\/\d+$/.test(path) && req.method === 'DELETE') send(res, 204, '');
    else if (hit(/^\/api\/users\/(\d+)$/))
      send(res, 200, {
        data: {
          id: Number(m[1]),
          email: 'janet.weaver@reqres.in',
          first_name: 'Janet',
          last_name: 'Weaver',
        },
      });
    else
      send(res, 200, {
        page: Number(url.searchParams.get('page') ?? 1),
        per_page: 6,
        total: 12,
        total_pages: 2,
        data: [
          { id: 7, email: 'michael.lawson@reqres.in', first_name: 'Michael', last_name: 'Lawson' },
        ],
      });
  } else if (host === 'gorest.co.in') {
    if (req.method === 'POST') {
      if (!req.headers.authorization) send(res, 401, { message: 'Authentication failed' });
      else send(res, 201, { id: 7000 + Math.floor(Math.random() * 1000), ...json });
    } else
      send(res, 200, [
        { id: 1, name: 'Ada', email: 'ada@example.com', gender: 'female', status: 'active' },
      ]);
  } else if (host === 'swapi.dev') {
    const people = { 1: ['Luke Skywalker', '172'], 2: ['C-3PO', '167'], 3: ['R2-D2', '96'] };
    const [name, height] = people[(/\/people\/(\d+)/.exec(path) ?? [])[1]] ?? people[1];
    send(res, 200, { name, height, films: [], url: `https://swapi.dev${path}` });
  } else if (host === 'api.github.com') {
    // The scripts ship a placeholder token: GitHub answers 401 Bad credentials.
    const token = (req.headers.authorization ?? '').replace(/^(Bearer|token) /, '');
    if (!token || token.startsWith('YOUR_')) send(res, 401, { message: 'Bad credentials' });
    else send(res, 200, { data: null });
  } else if (host === 'petstore.swagger.io') {
    if (req.method === 'DELETE') send(res, 200, { code: 200, type: 'unknown', message: '1' });
    else if (path.includes('/findByStatus'))
      send(res, 200, [
        { id: 1, name: 'doggie', status: url.searchParams.get('status') ?? 'available' },
      ]);
    else if (path.endsWith('/inventory')) send(res, 200, { available: 10, sold: 2 });
    else if (path.includes('/user/login'))
      send(res, 200, { code: 200, type: 'unknown', message: 'logged in user session:1' });
    else if (path.includes('/user/logout'))
      send(res, 200, { code: 200, type: 'unknown', message: 'ok' });
    else if (path.includes('/uploadImage'))
      send(res, 200, { code: 200, type: 'unknown', message: 'uploaded' });
    else if (req.method === 'POST' || req.method === 'PUT') send(res, 200, { id: 1, ...json });
    else if (path.includes('/user/'))
      send(res, 200, {
        id: 1,
        username: path.split('/').pop(),
        firstName: 'A',
        lastName: 'B',
        email: 'a@b.c',
        userStatus: 0,
      });
    else if (path.includes('/store/order/'))
      send(res, 200, {
        id: Number(path.split('/').pop()),
        petId: 1,
        quantity: 1,
        status: 'placed',
        complete: true,
      });
    else
      send(res, 200, {
        id: Number(path.split('/').pop()) || 1,
        name: 'doggie',
        status: 'available',
      });
  } else return false;
  return true;
}

/** Routes one request. */
async function handle(req, res) {
  const url = new URL(req.url, 'http://x');
  const host = (req.headers.host ?? req.headers[':authority'] ?? '')
    .replace(/:\d+$/, '')
    .toLowerCase();
  const body = await readBody(req);
  res.setHeader('Server', 'k6-corpus-emulator');
  if (host === 'quickpizza.grafana.com' || host === 'localhost' || host === '127.0.0.1') {
    if (await quickpizza(req, res, url, body)) return;
  }
  if (host === 'test.k6.io') {
    if (await testK6(req, res, url.pathname, url, body)) return;
  }
  if (host === 'test-api.k6.io' || host === 'api.k6.io') {
    if (await crocodiles(req, res, url, body)) return;
  }
  if (await otherApis(req, res, host, url, body)) return;
  if (await httpbin(req, res, url, body)) return;
  // Not emulated: a plain page (sites such as k6.io, google.com, mocky's canned answers).
  if (host.endsWith('mocky.io')) return send(res, 200, { status: 'ok', path: url.pathname });
  send(res, 200, PAGE(host, `<h1>${host}</h1><a href="/">home</a>`));
}

/**
 * Starts the emulator on 127.0.0.1 (`port` 0 = any); with `tls` ({key, cert}) it speaks HTTPS
 * (TLS 1.0-1.3, HTTP/2 or HTTP/1.1 by ALPN, Node's ciphers). Resolves to {port, close}.
 */
export function startEmulator(port = 0, tls = undefined) {
  const onRequest = (req, res) => {
    handle(req, res).catch((error) => {
      res.writeHead(500);
      res.end(String(error));
    });
  };
  const server = tls
    ? createSecureServer(
        {
          ...tls,
          allowHTTP1: true,
          minVersion: 'TLSv1',
          ciphers: 'DEFAULT:AES128-GCM-SHA256:@SECLEVEL=0',
        },
        onRequest,
      )
    : createServer(onRequest);
  const wss = new WebSocketServer({ server });
  wss.on('connection', (socket) => {
    socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary }));
  });
  return new Promise((resolve) => {
    server.listen(port, '127.0.0.1', () => {
      resolve({
        port: server.address().port,
        close: () =>
          new Promise((done) => {
            for (const c of wss.clients) c.terminate();
            wss.close();
            server.closeAllConnections?.();
            server.close(() => done());
          }),
      });
    });
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { port } = await startEmulator(Number(process.argv[2] ?? 0));
  console.log(`k6 corpus emulator on http://127.0.0.1:${port}`);
}
