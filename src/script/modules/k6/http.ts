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

export default http;
