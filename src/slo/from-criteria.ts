/** The success criteria of a load test plan as a validated SLO spec (what the audit calls). */
import { ExitCode } from '../errors/exit-codes.js';
import { RedlineError } from '../errors/redline-error.js';
import { formatInputProblem, InputReader } from '../util/input-reader.js';
import type { SuccessCriteria } from './criteria.js';
import { buildSpec } from './parse-spec.js';
import { promDuration, type SloSpec } from './spec.js';

/** Builds a validated SLO spec from success criteria (for the audit and tests). */
export function createSloSpecFromCriteria(
  service: string,
  criteria: SuccessCriteria,
  options: { periodMs?: number; labels?: Record<string, string> } = {},
): SloSpec {
  const raw: Record<string, unknown> = {
    service,
    criteria: {
      ...Object.fromEntries(
        (criteria.latency ?? []).map((l) => [`p${l.percentile}`, `${l.thresholdMs}ms`]),
      ),
      ...(criteria.errorRate !== undefined ? { errorRate: criteria.errorRate } : {}),
    },
  };
  if (options.periodMs !== undefined) raw['period'] = promDuration(options.periodMs);
  if (options.labels) raw['labels'] = options.labels;
  const reader = new InputReader();
  const spec = buildSpec(raw, reader);
  if (!spec || reader.problems.count > 0) {
    throw new RedlineError('E_SLO_SPEC', `the success criteria cannot become SLOs`, {
      exitCode: ExitCode.InvalidConfig,
      problems: reader.problems.problems.map((p) => formatInputProblem(p)),
    });
  }
  return spec;
}
