/**
 * The consolidated options in k6's shape, as `exec.test.options` shows them to scripts: the
 * shortcuts (`vus`/`duration`/`iterations`/`stages`) become `scenarios.default`, durations are
 * k6 duration strings, thresholds are lists of expressions (with `abortOnFail` objects as
 * written). Built from the validated Plan, so CLI overrides are included, as in k6.
 */

import { executorOf, type ScenarioPlan } from '../executors/registry.js';
import { formatDuration } from '../util/duration.js';
import type { Plan } from './plan.js';

/** k6's JSON form of one scenario: the common options, then the executor's own. */
function scenarioView(s: ScenarioPlan): Record<string, unknown> {
  return {
    executor: s.executor,
    startTime: formatDuration(s.startTimeMs),
    gracefulStop: formatDuration(s.gracefulStopMs),
    exec: s.exec,
    env: { ...s.env },
    tags: { ...s.tags },
    ...executorOf(s).k6Options(s),
  };
}

/** `exec.test.options`: k6's consolidated options object for `plan` (a fresh, frozen copy). */
export function k6OptionsView(plan: Plan): Readonly<Record<string, unknown>> {
  const o = plan.options;
  const thresholds: Record<string, unknown[]> = {};
  for (const [metric, specs] of Object.entries(plan.thresholds)) {
    thresholds[metric] = specs.map((t) =>
      t.abortOnFail
        ? {
            threshold: t.threshold,
            abortOnFail: true,
            delayAbortEval: formatDuration(t.delayAbortEvalMs),
          }
        : t.threshold,
    );
  }
  const view = {
    scenarios: Object.fromEntries(plan.scenarios.map((s) => [s.name, scenarioView(s)])),
    thresholds,
    tags: { ...o.tags },
    summaryTrendStats: [...o.summaryTrendStats],
    ...(o.summaryTimeUnit ? { summaryTimeUnit: o.summaryTimeUnit } : {}),
    setupTimeout: formatDuration(o.setupTimeoutMs),
    teardownTimeout: formatDuration(o.teardownTimeoutMs),
    discardResponseBodies: o.discardResponseBodies,
    noConnectionReuse: o.noConnectionReuse,
    userAgent: o.userAgent,
    insecureSkipTLSVerify: o.insecureSkipTLSVerify,
    hosts: { ...o.hosts },
    batch: o.batch,
    batchPerHost: o.batchPerHost,
    maxRedirects: o.maxRedirects,
    noSetup: o.noSetup === true,
    noTeardown: o.noTeardown === true,
  };
  return deepFreeze(view);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
