import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { fillPortPlaceholder, hasPortPlaceholder, resolveStartedTargetUrl } from './net.js';

/** `${PORT}` as users write it (built here so it is not read as a template placeholder). */
const BRACED = `$${'{'}PORT}`;

describe('the $PORT placeholder of a started target', () => {
  it('is recognised in both spellings and nowhere else', () => {
    expect(hasPortPlaceholder('http://127.0.0.1:$PORT/price')).toBe(true);
    expect(hasPortPlaceholder(`http://127.0.0.1:${BRACED}/`)).toBe(true);
    expect(hasPortPlaceholder('http://127.0.0.1:3000/$PORTAL')).toBe(false);
    expect(hasPortPlaceholder('http://127.0.0.1:3000/')).toBe(false);
    expect(fillPortPlaceholder(`http://127.0.0.1:$PORT/a?p=${BRACED}`, 4242)).toBe(
      'http://127.0.0.1:4242/a?p=4242',
    );
  });

  it('gets a port that can be bound, in the default URL and in a template', async () => {
    const plain = await resolveStartedTargetUrl(undefined);
    expect(plain.url).toBe(`http://127.0.0.1:${plain.port}/`);
    const templated = await resolveStartedTargetUrl('http://127.0.0.1:$PORT/price');
    expect(templated.url).toBe(`http://127.0.0.1:${templated.port}/price`);
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(templated.port, '127.0.0.1', resolve);
    });
    server.close();
  });

  it('leaves a URL without the placeholder alone and asks for no port', async () => {
    expect(await resolveStartedTargetUrl('http://127.0.0.1:3000/x')).toEqual({
      url: 'http://127.0.0.1:3000/x',
    });
  });
});
