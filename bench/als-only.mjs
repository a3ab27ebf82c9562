// Control variant of bench/probe-overhead.js: only the probe's per-request context (the http
// `emit` wrapper running each request in AsyncLocalStorage, and the response-finish subscription),
// nothing recorded. Loaded with `--import`; runs dist/ (`npm run build` first).
import { instrumentHttpServers } from '../dist/probe/http-server.js';

instrumentHttpServers(() => {});
