/** Applies a plan's options to this thread's HTTP settings. */
import type { PlanOptions } from '../../config/plan.js';
import { http2FromEnv, httpSettings } from './http-settings.js';

/** Copies the HTTP-related options of the plan into the thread's settings. */
export function configureHttpSettings(options: PlanOptions): void {
  httpSettings.userAgent = options.userAgent;
  httpSettings.timeoutMs = options.httpTimeoutMs;
  httpSettings.maxRedirects = options.maxRedirects;
  httpSettings.discardResponseBodies = options.discardResponseBodies;
  httpSettings.noConnectionReuse = options.noConnectionReuse;
  httpSettings.insecure = options.insecureSkipTLSVerify;
  httpSettings.batch = options.batch;
  httpSettings.batchPerHost = options.batchPerHost;
  httpSettings.resetCookies = options.extra['noCookiesReset'] !== true;
  httpSettings.tls = options.tls;
  httpSettings.http2 = http2FromEnv(process.env);
}
