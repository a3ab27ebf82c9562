/**
 * k6 request params Redline cannot honour fail loudly (a digest login or a compressed body sent
 * without them would silently change the test). URLs in tags are redacted by MetricRegistry.
 */
import { ExitCode } from '../../errors/exit-codes.js';
import { RedlineError } from '../../errors/redline-error.js';

/** Throws for params Redline does not implement: `auth` other than basic or digest, `compression`. */
export function assertSupportedParams(params: { auth?: unknown; compression?: unknown }): void {
  if (params.auth !== undefined && params.auth !== 'basic' && params.auth !== 'digest') {
    throw new RedlineError(
      'E_SCRIPT_UNSUPPORTED',
      `params.auth "${String(params.auth)}" is not supported by Redline (only "basic" and "digest")`,
      {
        hint: 'send the Authorization header yourself, or use basic auth with the credentials in the URL',
        exitCode: ExitCode.ScriptException,
      },
    );
  }
  if (params.compression !== undefined && params.compression !== '') {
    throw new RedlineError(
      'E_SCRIPT_UNSUPPORTED',
      `params.compression "${String(params.compression)}" is not supported by Redline`,
      {
        hint: 'compress the body yourself (e.g. zlib from node:zlib) and set the Content-Encoding header',
        exitCode: ExitCode.ScriptException,
      },
    );
  }
}
