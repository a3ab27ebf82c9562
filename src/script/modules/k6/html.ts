/** `k6/html` shim: `parseHTML(src)` returns a jQuery-like {@link Selection} (see script/html). */
import { Element, parseHTML, Selection } from '../../html/selection.js';

export { Element, parseHTML, Selection };
export default { parseHTML };
