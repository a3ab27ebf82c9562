/**
 * `k6/metrics` shim. k6's JS engine lets scripts call the metric constructors without `new`
 * (`const t = Trend('x')`), so each export is the class wrapped to construct on a plain call too;
 * `instanceof` and `new` work as on the class.
 */
import {
  Counter as CounterClass,
  Gauge as GaugeClass,
  Rate as RateClass,
  Trend as TrendClass,
} from '../../api/custom-metrics.js';

function callable<T extends abstract new (...args: never[]) => unknown>(cls: T): T {
  return new Proxy(cls, {
    apply: (target, _thisArg, args) =>
      Reflect.construct(target as unknown as new (...a: unknown[]) => unknown, args),
  });
}

/** k6 `Counter`, also callable without `new`. */
export const Counter = callable(CounterClass);
/** k6 `Gauge`, also callable without `new`. */
export const Gauge = callable(GaugeClass);
/** k6 `Rate`, also callable without `new`. */
export const Rate = callable(RateClass);
/** k6 `Trend`, also callable without `new`. */
export const Trend = callable(TrendClass);
export default { Counter, Gauge, Rate, Trend };
