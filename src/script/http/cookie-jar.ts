/**
 * A VU's cookie jar (tough-cookie, RFC 6265) with k6's `http.CookieJar` methods. The jar is only
 * consulted when it holds cookies, so cookie-less tests pay nothing.
 */
import { Cookie, CookieJar as ToughJar } from 'tough-cookie';
import { appendTo } from '../../util/append-to.js';
import type { ResponseCookie } from './response.js';

/** Options of `jar.set` (k6). */
export interface CookieSetOptions {
  domain?: string;
  path?: string;
  expires?: string;
  max_age?: number;
  secure?: boolean;
  http_only?: boolean;
}

/** k6-compatible cookie jar. */
export class CookieJar {
  /** Created on the first cookie: most VUs of most tests never store one. */
  #store: ToughJar | null = null;
  #size = 0;

  get #jar(): ToughJar {
    this.#store ??= new ToughJar(undefined, { looseMode: true });
    return this.#store;
  }

  /** True when no cookie was ever stored (fast path). */
  get isEmpty(): boolean {
    return this.#size === 0;
  }

  /** Stores the cookies of `Set-Cookie` header values received from `url`. */
  storeFromResponse(url: string, setCookies: readonly string[]): void {
    for (const header of setCookies) {
      try {
        this.#jar.setCookieSync(header, url, { ignoreError: true });
        this.#size++;
      } catch {
        // An invalid Set-Cookie is ignored, like browsers and k6 do.
      }
    }
  }

  /** The Cookie header value for a request to `url` ('' when none). */
  headerFor(url: string): string {
    if (this.#size === 0) return '';
    return this.#jar.getCookieStringSync(url);
  }

  /** k6: `jar.cookiesForURL(url)` -> { name: [values] }. */
  cookiesForURL(url: string): Record<string, string[]> {
    const result: Record<string, string[]> = {};
    if (this.#size === 0) return result;
    for (const c of this.#jar.getCookiesSync(url)) appendTo(result, c.key, c.value);
    return result;
  }

  /** k6: `jar.set(url, name, value, options)`. */
  set(url: string, name: string, value: string, options: CookieSetOptions = {}): void {
    const cookie = new Cookie({
      key: name,
      value,
      ...(options.domain ? { domain: options.domain } : {}),
      path: options.path ?? '/',
      ...(options.expires ? { expires: new Date(options.expires) } : {}),
      ...(options.max_age !== undefined ? { maxAge: options.max_age } : {}),
      secure: options.secure ?? false,
      httpOnly: options.http_only ?? false,
    });
    this.#jar.setCookieSync(cookie, url, { ignoreError: true });
    this.#size++;
  }

  /** k6: `jar.delete(url, name)`. */
  delete(url: string, name: string): void {
    for (const c of this.#jar.getCookiesSync(url)) {
      if (c.key === name)
        this.#jar.store.removeCookie(c.domain ?? '', c.path ?? '/', c.key, () => {});
    }
  }

  /** k6: `jar.clear(url)` (all cookies for that URL). */
  clear(url: string): void {
    for (const c of this.#jar.getCookiesSync(url))
      this.#jar.store.removeCookie(c.domain ?? '', c.path ?? '/', c.key, () => {});
  }

  /** Forgets every cookie (k6 resets each VU's jar between iterations unless noCookiesReset). */
  reset(): void {
    if (this.#size === 0) return;
    this.#store = null;
    this.#size = 0;
  }
}

/** Parses `Set-Cookie` values into k6's `response.cookies` shape. */
export function responseCookies(setCookies: readonly string[]): Record<string, ResponseCookie[]> {
  const cookies: Record<string, ResponseCookie[]> = {};
  for (const header of setCookies) {
    const c = Cookie.parse(header, { loose: true });
    if (!c) continue;
    appendTo(cookies, c.key, {
      name: c.key,
      value: c.value,
      domain: c.domain ?? '',
      path: c.path ?? '',
      http_only: c.httpOnly,
      secure: c.secure,
      max_age: typeof c.maxAge === 'number' ? c.maxAge : 0,
      expires: c.expires instanceof Date ? c.expires.getTime() : 0,
    });
  }
  return cookies;
}
