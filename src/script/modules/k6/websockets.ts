/** `k6/websockets` shim (also `k6/experimental/websockets`): the browser-like WebSocket and Blob. */
import { Blob, WebSocket } from '../../ws/websocket.js';

export { Blob, WebSocket };
export default { Blob, WebSocket };
