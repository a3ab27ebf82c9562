/** The demo service end to end on PGlite: the example k6 flow (examples/k6/login-flow.js), auth, and error handling. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAsDemoUser, requestJson } from './__fixtures__/test-support.js';
import { type DemoServerHandle, startDemoServer } from './index.js';

let server: DemoServerHandle;

beforeAll(async () => {
  server = await startDemoServer({ port: 0 });
}, 300_000);

afterAll(async () => {
  await server?.close();
});

describe('the example k6 flow (POST /auth/login → GET /users/me → GET /items?limit=20)', () => {
  it('logs in with a form body (what k6 sends for an object) and a JSON body', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.database).toBe('pglite');
    const formToken = await loginAsDemoUser(server.url, 'form');
    const jsonToken = await loginAsDemoUser(server.url, 'json');
    for (const token of [formToken, jsonToken]) {
      const me = await requestJson(`${server.url}/users/me`, { token });
      expect(me.status).toBe(200);
      expect(me.body).toMatchObject({ id: 1, email: 'test@example.com', name: 'Test User' });
    }
  });

  it('lists 20 items with category and seller', async () => {
    const token = await loginAsDemoUser(server.url);
    const res = await requestJson(`${server.url}/items?limit=20`, { token });
    expect(res.status).toBe(200);
    const items = res.body['items'] as { id: number; seller: { name: string | null } }[];
    expect(items).toHaveLength(20);
    expect(items[0]?.id).toBe(server.seed.items);
    for (const item of items) expect(typeof item.seller.name).toBe('string');
    expect(res.body['page']).toEqual({ limit: 20, offset: 0 });
  });

  it('lets other seeded users log in with the documented password', async () => {
    const res = await requestJson(`${server.url}/auth/login`, {
      json: { email: `user${server.seed.users - 1}@example.com`, password: 'password123' },
    });
    expect(res.status).toBe(200);
    const wrong = await requestJson(`${server.url}/auth/login`, {
      json: { email: 'user1@example.com', password: 'password124' },
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual({
      error: { code: 'invalid_credentials', message: 'email or password is wrong' },
    });
  });
});

describe('auth and errors', () => {
  it('answers 401 without, or with a bad, bearer token', async () => {
    for (const path of ['/users/me', '/items?limit=20', '/orders']) {
      const none = await requestJson(`${server.url}${path}`);
      expect(none.status).toBe(401);
      expect(none.headers.get('www-authenticate')).toBe('Bearer');
      const forged = await requestJson(`${server.url}${path}`, { token: '1.9999999999.AAAA' });
      expect(forged.status).toBe(401);
    }
    const token = await loginAsDemoUser(server.url);
    const tampered = `2${token.slice(1)}`;
    expect((await requestJson(`${server.url}/users/me`, { token: tampered })).status).toBe(401);
  });

  it('answers 400, 404, 405 and 415 with JSON errors', async () => {
    const missing = await requestJson(`${server.url}/auth/login`, { json: { email: 'x@y.z' } });
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ error: { code: 'missing_field' } });
    const badJson = await fetch(`${server.url}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"email":',
    });
    expect(badJson.status).toBe(400);
    const token = await loginAsDemoUser(server.url);
    const badLimit = await requestJson(`${server.url}/items?limit=abc`, { token });
    expect(badLimit.status).toBe(400);
    expect(badLimit.body).toMatchObject({ error: { code: 'invalid_parameter' } });
    expect((await requestJson(`${server.url}/items?limit=1000`, { token })).status).toBe(400);
    expect((await requestJson(`${server.url}/nowhere`)).status).toBe(404);
    expect((await requestJson(`${server.url}/items/999999999`)).status).toBe(404);
    expect((await requestJson(`${server.url}/categories/no-such/items`)).status).toBe(404);
    const wrongMethod = await requestJson(`${server.url}/users/me`, { method: 'DELETE' });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('GET');
    const xml = await fetch(`${server.url}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/xml' },
      body: '<login/>',
    });
    expect(xml.status).toBe(415);
  });
});

describe('the other routes', () => {
  it('serves health, an item, categories and a category page', async () => {
    expect((await requestJson(`${server.url}/health`)).body).toEqual({
      status: 'ok',
      database: 'pglite',
    });
    const item = await requestJson(`${server.url}/items/42`);
    expect(item.status).toBe(200);
    expect(item.body).toMatchObject({ id: 42, seller: { name: expect.any(String) } });
    const categories = await requestJson(`${server.url}/categories`);
    expect((categories.body['categories'] as unknown[]).length).toBe(30);
    const books = await requestJson(`${server.url}/categories/books/items?limit=5`);
    const items = books.body['items'] as { createdAt: string; category: { name: string } }[];
    expect(items).toHaveLength(5);
    expect(items.every((i) => i.category.name === 'Books')).toBe(true);
    const dates = items.map((i) => Date.parse(i.createdAt));
    expect([...dates].sort((a, b) => b - a)).toEqual(dates);
  });

  it('creates an order priced from the item and lists it first', async () => {
    const token = await loginAsDemoUser(server.url);
    const item = await requestJson(`${server.url}/items/7`);
    const created = await requestJson(`${server.url}/orders`, {
      token,
      json: { itemId: 7, quantity: 3 },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      item: { id: 7 },
      quantity: 3,
      totalCents: 3 * (item.body['priceCents'] as number),
      status: 'pending',
    });
    const orders = await requestJson(`${server.url}/orders`, { token });
    expect((orders.body['orders'] as { id: number }[])[0]?.id).toBe(created.body['id']);
    const bad = await requestJson(`${server.url}/orders`, { token, json: { itemId: 'x' } });
    expect(bad.status).toBe(400);
  });

  it('keeps secrets out of the request history', async () => {
    const token = await loginAsDemoUser(server.url);
    const health = await requestJson(`${server.url}/health`);
    const res = await requestJson(`${server.url}/debug/requests?limit=5`, { token });
    expect(res.status).toBe(200);
    const records = (res.body as { requests: Array<{ url: string; response?: string }> }).requests;
    // The history keeps the start of each JSON answer, except a login's (it carries the token).
    expect(records.find((r) => r.url === '/health')?.response).toBe(JSON.stringify(health.body));
    expect(records.find((r) => r.url === '/auth/login')).toBeDefined();
    expect(records.find((r) => r.url === '/auth/login')?.response).toBeUndefined();
    const text = JSON.stringify(res.body);
    expect(text).not.toContain(token);
    expect(text.toLowerCase()).not.toContain('authorization');
    expect(text).not.toContain('password123');
  });
});
