/** `k6/metrics` shim. */
import { Counter, Gauge, Rate, Trend } from '../../api/custom-metrics.js';

export { Counter, Gauge, Rate, Trend };
export default { Counter, Gauge, Rate, Trend };
