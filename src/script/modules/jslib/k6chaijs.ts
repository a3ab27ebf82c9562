/**
 * Native equivalent of jslib's k6chaijs (`https://jslib.k6.io/k6chaijs/<version>/index.js`),
 * written for Redline from k6chaijs' documented behaviour: the default export is chai 4 (the
 * library k6chaijs ships), `expect(...)` records every assertion as a check, and
 * `describe(name, fn)` runs `fn` in a group, turning a failed assertion or any other exception
 * into a failed describe instead of a failed iteration.
 *
 * Unlike jslib's build, `describe()` awaits a callback that returns a promise (the k6 transform
 * makes a callback async when it makes requests, and awaits `describe()` like `group()`), so
 * `describe('x', () => { const res = http.get(u); expect(res.status).to.equal(200); })` runs
 * unchanged.
 *
 * The chai instance (and so `chai.config`) is shared by the VUs of a worker thread, not per VU
 * as in k6: a script that sets `chai.config.*` at the top level sets the same value in every VU,
 * which gives the same result.
 */
import chai from 'chai';
import { isThenable } from '../../../util/is-thenable.js';
import { check } from '../../api/checks.js';
import { exec } from '../../api/execution.js';
import { isIterationAbort } from '../../runtime/vu-state.js';
import { group } from '../k6/k6.js';

/** k6chaijs' settings on top of chai's own (`chai.config.aggregateChecks = false`, ...). */
export interface K6ChaiConfig extends Chai.Config {
  /** Check names keep `${this}` for the asserted value, so one check aggregates every value (default true). */
  aggregateChecks: boolean;
  /** `console.warn` the failed expectation (default false). */
  logFailures: boolean;
  /** A failed expectation aborts the whole test (`exec.test.abort`, default false). */
  exitOnError: boolean;
  /** Longest rendering of one value in a message before it is cut with `...` (default 100). */
  truncateVariableThreshold: number;
  /** Longest whole message (default 300; kept for compatibility, as in k6chaijs). */
  truncateMsgThreshold: number;
}

/** The parts of chai's plugin utilities this module uses (chai 4's `chai.util`). */
interface ChaiUtils {
  flag(obj: object, key: string, value?: unknown): unknown;
  test(obj: object, args: unknown[]): boolean;
  getActual(obj: object, args: unknown[]): unknown;
  objDisplay(obj: unknown): string;
  getOperator(obj: object, args: unknown[]): string | undefined;
}

const config = chai.config as K6ChaiConfig;
config.aggregateChecks = true;
config.logFailures = false;
config.exitOnError = false;
config.truncateVariableThreshold = 100;
config.truncateMsgThreshold = 300;

const util = chai.util as unknown as ChaiUtils;

/** `s` cut to `max` characters, with `...` when cut. */
function cut(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max)}...` : s;
}

/** One value as chai prints it in messages, cut to k6chaijs' threshold. */
function shown(value: unknown): string {
  return cut(util.objDisplay(value), config.truncateVariableThreshold);
}

/** Replaces every `#{tag}` placeholder of chai's messages. */
function fill(template: string, tag: string, value: () => string): string {
  return template.split(`#{${tag}}`).join(value());
}

/**
 * What aggregated check names show instead of the values (k6chaijs' literal text), so every value
 * counts in one check: `expected ${this} to equal 200`.
 */
const THIS_PLACEHOLDER = '$' + '{this}';
const ACTUAL_PLACEHOLDER = '$' + '{actual}';

/** A message transformer set by `.anonymize(fn)`. */
type Anonymizer = (message: string) => string;

/**
 * The message of one assertion with the expected value filled in, phrased neutrally (chai words
 * its messages for failures: "..., but got 2"; a check is recorded for passes too).
 */
function neutralTemplate(assertion: object, args: unknown[]): string {
  const negate = util.flag(assertion, 'negate') === true;
  let message = negate ? args[2] : args[1];
  if (typeof message === 'function') message = (message as () => unknown)();
  let text = typeof message === 'string' ? message.replace('but ', '') : '';
  const anonymize = util.flag(assertion, 'anonymizeMsgFunction') as Anonymizer | undefined;
  if (anonymize) text = String(anonymize(text));
  return fill(text, 'exp', () => shown(args[3]));
}

/**
 * Chai's `assert` as k6chaijs has it: records a check named after the expectation (aggregated:
 * `expected ${this} to equal 200`, or with the label given to expect(): `expected status to
 * equal 200`), and throws chai's AssertionError when it failed.
 */
function recordingAssert(this: object, ...raw: unknown[]): void {
  const args = [raw[0], raw[1], raw[2], raw[3], raw[4], !raw[3] && !raw[4]];
  const passed = util.test(this, args);
  const actual = util.getActual(this, args);
  const template = neutralTemplate(this, args);
  const label = util.flag(this, 'message') as string | undefined;
  let expectation = fill(template, 'this', () => shown(util.flag(this, 'object')));
  expectation = fill(expectation, 'act', () => shown(actual));
  if (label && !config.aggregateChecks) expectation = `${label}: ${expectation}`;
  const name = config.aggregateChecks
    ? cut(
        fill(
          fill(template, 'this', () => label || THIS_PLACEHOLDER),
          'act',
          () => ACTUAL_PLACEHOLDER,
        ),
        config.truncateVariableThreshold,
      )
    : expectation;
  check(null, { [name]: () => passed });
  if (passed) return;
  const failure = cut(expectation, config.truncateVariableThreshold);
  if (config.logFailures) console.warn(failure);
  if (config.exitOnError) exec.test.abort(failure);
  throw new chai.AssertionError(
    failure,
    { actual, expected: args[3], showDiff: args[5], operator: util.getOperator(this, args) },
    (config.includeStack ? chai.assert : util.flag(this, 'ssfi')) as () => unknown,
  );
}

chai.Assertion.overwriteMethod('assert', () => recordingAssert);

/** `expect(value).anonymize(fn?)`: hides the asserted value in the check name (`<anonymized>`). */
chai.Assertion.addMethod('anonymize', function (this: object, fn?: Anonymizer) {
  util.flag(
    this,
    'anonymizeMsgFunction',
    fn ?? ((message: string) => fill(message, 'this', () => '<anonymized>')),
  );
});

/** `expect(response).to.have.validJsonBody()`: the response body parses as JSON. */
chai.Assertion.addMethod('validJsonBody', function (this: object) {
  const response = util.flag(this, 'object') as { json(selector?: string): unknown };
  let valid = true;
  try {
    // A selector nothing matches: only an unparsable body throws.
    response.json('__redline_no_such_key__');
  } catch {
    valid = false;
  }
  (chai.assert as unknown as (...a: unknown[]) => void)(
    valid,
    'has valid json body',
    'does not have a valid json body',
    null,
    null,
  );
});

/**
 * What an exception thrown in a describe() callback does: an AssertionError was already recorded
 * as a failed check; any other error is logged and recorded as the failed check
 * `Exception raised "<error>"`. Redline's own interruptions (test.abort(), the end of the
 * scenario) are not the script's errors and go on ending the iteration.
 */
function describeFailed(error: unknown, name: string): false {
  if (isIterationAbort(error)) throw error;
  if ((error as { name?: unknown } | null)?.name !== 'AssertionError') {
    console.error(
      `Exception raised in test "${name}". Failing the test and continuing. \n${error}`,
    );
    check(null, { [`Exception raised "${error}"`]: () => false });
  }
  return false;
}

/**
 * k6chaijs' `describe(name, fn)`: runs `fn` in group `name` (samples tagged `group: ::name`,
 * `group_duration` recorded) and returns true, or false when an assertion or another exception
 * ended `fn` (the iteration goes on). A promise of that boolean when `fn` returns a promise.
 */
export function describe(name: string, fn: () => unknown): boolean | Promise<boolean> {
  let passed = true;
  const outcome = group(name, () => {
    let result: unknown;
    try {
      result = fn();
    } catch (error) {
      passed = describeFailed(error, name);
      return undefined;
    }
    if (!isThenable(result)) return undefined;
    return Promise.resolve(result).then(
      () => undefined,
      (error: unknown) => {
        passed = describeFailed(error, name);
      },
    );
  });
  return isThenable(outcome) ? Promise.resolve(outcome).then(() => passed) : passed;
}

/** chai's `expect`, recording each assertion as a check. */
export const expect = chai.expect;

export default chai;
