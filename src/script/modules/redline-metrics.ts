/** `redline/metrics`: custom metrics for scripts (same classes as k6/metrics). */
export { Counter, Gauge, Rate, Trend } from '../api/custom-metrics.js';
