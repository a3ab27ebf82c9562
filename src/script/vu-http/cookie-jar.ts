/**
 * A VU's cookie jar (tough-cookie, RFC 6265) with k6's `http.CookieJar` methods. The jar is only
 * consulted when it holds cookies, so cookie-less tests pay nothing.
 *
 * k6 uses Go's net/http/cookiejar without a public-suffix list, so a cookie whose domain is a
 * registrable domain such as `httpbin.org` (or any suffix of the host) is accepted: the jar here
 * does not reject public suffixes either. What Go's jar drops without a word (a domain the URL's
 * host does not belong to, a malformed domain) is dropped here too, with a warning.
 */
import { Cookie, MemoryCookieStore, pathMatch, CookieJar as ToughJar } from 'tough-cookie';
import { appendTo } from '../../util/append-to.js';
import { threadRuntime } from '../runtime/thread-runtime.js';
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

/**
 * tough-cookie's memory store finds the cookies of a host through the public-suffix list, so a
 * cookie of `httpbin.org` (a suffix the list treats as public) never reaches `www.httpbin.org`.
 * Go's jar in k6 has no such list: this store looks up the host and every parent domain; the
 * jar then applies RFC 6265 domain, path, secure and expiry matching as usual.
 */
class NoSuffixListStore extends MemoryCookieStore {
  override findCookies(
    domain: string | null,
    path: string | null,
    allowSpecialUseDomain?: boolean | ((error: Error | null, result?: Cookie[]) => void),
    callback?: (error: Error | null, result?: Cookie[]) => void,
  ): Promise<Cookie[]> {
    const done = typeof allowSpecialUseDomain === 'function' ? allowSpecialUseDomain : callback;
    const results: Cookie[] = [];
    if (domain) {
      const labels = domain.split('.');
      for (let i = 0; i < labels.length; i++) {
        const byPath = this.idx[labels.slice(i).join('.')];
        if (!byPath) continue;
        for (const cookiePath in byPath) {
          if (path && !pathMatch(path, cookiePath)) continue;
          for (const cookie of Object.values(byPath[cookiePath] ?? {}))
            if (cookie) results.push(cookie);
        }
      }
    }
    done?.(null, results);
    return Promise.resolve(results);
  }
}

/** k6-compatible cookie jar. */
export class CookieJar {
  /** Created on the first cookie: most VUs of most tests never store one. */
  #store: ToughJar | null = null;
  #size = 0;

  get #jar(): ToughJar {
    this.#store ??= new ToughJar(new NoSuffixListStore(), {
      looseMode: true,
      rejectPublicSuffixes: false,
    });
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

  /**
   * k6: `jar.set(url, name, value, options)`; returns true as k6 does. A URL that does not parse
   * or an `expires` that is not a date throws (as in k6); a cookie the jar cannot store for
   * that URL (its domain is not the URL's host or a parent of it, or is malformed) is not
   * stored, as in k6, and a warning says why.
   */
  set(url: string, name: string, value: string, options: CookieSetOptions = {}): boolean {
    let host: string;
    try {
      host = new URL(url).hostname;
    } catch {
      throw new Error(`jar.set(): invalid URL "${url}"`);
    }
    let expires: Date | undefined;
    if (options.expires) {
      expires = new Date(options.expires);
      if (Number.isNaN(expires.getTime()))
        throw new Error(
          `jar.set(): unable to parse "expires" date string "${options.expires}" (use an RFC 1123 date such as "Mon, 02 Jan 2006 15:04:05 GMT")`,
        );
    }
    let domain: string | undefined;
    if (options.domain) {
      // As Go's jar: one leading dot is dropped, the rest must be a plain host name.
      domain = options.domain.replace(/^\./, '').toLowerCase();
      if (domain === '' || domain.startsWith('.') || domain.endsWith('.')) {
        warnNotStored(url, name, `the domain "${options.domain}" is malformed`);
        return true;
      }
    }
    const cookie = new Cookie({
      key: name,
      value,
      ...(domain ? { domain } : {}),
      path: options.path || '/',
      ...(expires ? { expires } : {}),
      // Go's http.Cookie: MaxAge 0 means "no Max-Age", a negative one deletes the cookie.
      ...(options.max_age ? { maxAge: options.max_age } : {}),
      secure: options.secure ?? false,
      httpOnly: options.http_only ?? false,
    });
    try {
      this.#jar.setCookieSync(cookie, url);
      this.#size++;
    } catch (error) {
      const reason =
        domain && host !== domain && !host.endsWith(`.${domain}`)
          ? `its domain "${domain}" is not the host "${host}" of the URL or a parent domain of it`
          : (error as Error).message;
      warnNotStored(url, name, reason);
    }
    return true;
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

function warnNotStored(url: string, name: string, reason: string): void {
  threadRuntime().warn(
    `jar.set("${url}", "${name}", ...) stored nothing: ${reason} (k6 drops such a cookie without a word); set it for a URL of that domain`,
  );
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
