/** The demo router: parameters, 404, 405 with Allow. */
import { describe, expect, it } from 'vitest';
import { HttpError } from './http-error.js';
import { createRouter } from './router.js';

const handler = async () => ({ body: {} });
const router = createRouter<null>([
  { method: 'GET', pattern: '/items', handler },
  { method: 'POST', pattern: '/items', handler },
  { method: 'GET', pattern: '/items/:id', handler },
  { method: 'GET', pattern: '/categories/:slug/items', handler },
]);

function errorOf(fn: () => unknown): HttpError {
  try {
    fn();
  } catch (error) {
    if (error instanceof HttpError) return error;
  }
  throw new Error('expected an HttpError');
}

describe('createRouter', () => {
  it('matches static and parameterised paths, decoding parameters', () => {
    expect(router.match('GET', '/items').route.pattern).toBe('/items');
    expect(router.match('POST', '/items').route.method).toBe('POST');
    expect(router.match('GET', '/items/42').params).toEqual({ id: '42' });
    expect(router.match('GET', '/categories/arts%20%26%20crafts/items').params).toEqual({
      slug: 'arts & crafts',
    });
  });

  it('answers 404 for unknown paths, empty parameters and bad escapes', () => {
    for (const path of ['/nope', '/items/', '/items/42/extra', '/items/%E0%A4%A']) {
      expect(errorOf(() => router.match('GET', path)).status).toBe(404);
    }
  });

  it('answers 405 with every allowed method', () => {
    const error = errorOf(() => router.match('DELETE', '/items'));
    expect(error.status).toBe(405);
    expect(error.headers).toEqual({ allow: 'GET, POST' });
  });
});
