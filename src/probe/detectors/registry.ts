/** Every probe detector, in the order the pipeline calls their hooks (findings are ranked afterwards). */
import type { ProbeConfig } from '../config.js';
import { cacheCandidateDetector } from './cache-candidate.js';
import { chattyRequestDetector } from './chatty-request.js';
import { countPerListDetector } from './count-per-list.js';
import type { ProbeDetector } from './detector.js';
import { nPlusOneDetector } from './n-plus-one.js';
import { noPaginationDetector } from './no-pagination.js';
import { poolWaitDetector } from './pool-wait.js';
import { selectStarDetector } from './select-star.js';

/** The probe's detectors: a new detector is one file exporting a {@link ProbeDetector} plus one line here. */
export const PROBE_DETECTORS: readonly ProbeDetector[] = [
  nPlusOneDetector,
  noPaginationDetector,
  selectStarDetector,
  poolWaitDetector,
  cacheCandidateDetector,
  chattyRequestDetector,
  countPerListDetector,
];

/** The thresholds of `detectors` as the report's hello record lists them (one flat map). */
export function detectorThresholds(
  config: ProbeConfig,
  detectors: readonly ProbeDetector[] = PROBE_DETECTORS,
): Record<string, number> {
  return Object.assign({}, ...detectors.map((d) => d.thresholds?.(config) ?? {}));
}
