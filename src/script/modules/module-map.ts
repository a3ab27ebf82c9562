/** Where each importable script module lives once compiled (passed to the script loader). */
import { fileURLToPath } from 'node:url';
import { compiledModuleUrl } from '../../util/runtime-path.js';

const FILES: Record<string, string> = {
  redline: './redline.js',
  'redline/metrics': './redline-metrics.js',
  k6: './k6/k6.js',
  'k6/http': './k6/http.js',
  'k6/metrics': './k6/metrics.js',
  'k6/data': './k6/data.js',
  'k6/execution': './k6/execution.js',
  'k6/encoding': './k6/encoding.js',
  'k6/crypto': './k6/crypto.js',
  'k6/html': './k6/html.js',
  'k6/timers': './k6/timers.js',
  'k6/ws': './k6/ws.js',
  'k6/websockets': './k6/websockets.js',
  'k6/experimental/websockets': './k6/websockets.js',
  'k6/net/grpc': './k6/net-grpc.js',
  // Native equivalents of jslib modules (remote URLs map here, see loader/resolve-plugin.ts).
  'jslib/k6-utils': './jslib/k6-utils.js',
  'jslib/k6-summary': './jslib/k6-summary.js',
  'jslib/papaparse': './jslib/papaparse.js',
  'jslib/k6chaijs': './jslib/k6chaijs.js',
};

/** Module specifier -> absolute path of the compiled module file. */
export function scriptModuleMap(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(FILES).map(([specifier, file]) => [
      specifier,
      fileURLToPath(compiledModuleUrl(file, import.meta.url)),
    ]),
  );
}
