// A CommonJS remote module, as jslib's http-instrumentation-* ones: it requires k6/http and
// patches the module object the script imports too.
const http = require('k6/http');
const exec = require('k6/execution');

const originalGet = http.get;

function instrumentHTTP(value) {
  if (http.get !== originalGet) return;
  http.get = (url, params = {}) =>
    originalGet(url, { ...params, headers: { ...(params.headers || {}), 'X-Instrumented': value } });
}

module.exports = { instrumentHTTP, hasExec: typeof exec.test.abort === 'function' };
