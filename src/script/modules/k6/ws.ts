/** `k6/ws` shim: `ws.connect()` returns a promise the k6 transform awaits (it blocks in k6). */
import { connect } from '../../ws/k6-ws.js';

export { connect };
export default { connect };
