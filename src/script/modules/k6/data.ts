/** `k6/data` shim: SharedArray. */
import { SharedArray } from '../../api/shared-data.js';

export { SharedArray };
export default { SharedArray };
