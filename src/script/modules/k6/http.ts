/** `k6/http` shim: the same client as the native API (calls return promises the k6 transform awaits). */
import { http } from '../../api/http-api.js';

export const {
  request,
  asyncRequest,
  get,
  head,
  post,
  put,
  patch,
  del,
  options,
  batch,
  url,
  file,
  cookieJar,
  CookieJar,
  expectedStatuses,
  setResponseCallback,
} = http;

/** k6/http's TLS/OCSP constants, for scripts that compare against them. */
export const TLS_1_0 = 'tls1.0';
export const TLS_1_1 = 'tls1.1';
export const TLS_1_2 = 'tls1.2';
export const TLS_1_3 = 'tls1.3';
export const OCSP_STATUS_GOOD = 'good';
export const OCSP_STATUS_REVOKED = 'revoked';
export const OCSP_STATUS_UNKNOWN = 'unknown';

// k6 scripts read them from the default export too (`r.tls_version === http.TLS_1_2`).
Object.assign(http, {
  TLS_1_0,
  TLS_1_1,
  TLS_1_2,
  TLS_1_3,
  OCSP_STATUS_GOOD,
  OCSP_STATUS_REVOKED,
  OCSP_STATUS_UNKNOWN,
});

export default http;
