/**
 * The native script API (`import { http, ws, check, sleep, group, fail } from 'redline'`): async
 * and idiomatic Node, with k6's semantics for metrics, checks, groups and tags.
 */
export { type CheckSet, check } from '../api/checks.js';
export { Counter, Gauge, Rate, Trend } from '../api/custom-metrics.js';
export { exec } from '../api/execution.js';
export { fail, group, ScriptFailure, sleep } from '../api/flow.js';
export { type BatchRequest, http } from '../api/http-api.js';
export { open, SharedArray } from '../api/shared-data.js';
export type { Response } from '../vu-http/response.js';
export type { RequestParams } from '../vu-http/vu-http.js';
export {
  type NativeSocket,
  type NativeWsParams,
  type WsCloseInfo,
  type WsMessage,
  ws,
} from '../ws/native-ws.js';
