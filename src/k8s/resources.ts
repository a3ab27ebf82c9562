/**
 * CPU and memory flags (`--cpu 500m`, `--memory 256Mi:1Gi`): a request and a limit as Kubernetes
 * quantities. One value sets both (the pod gets the Guaranteed QoS class when every container's
 * requests equal its limits, so a load generator is not throttled below what it asked for).
 */
import { ExitCode } from '../errors/exit-codes.js';
import { RedlineError } from '../errors/redline-error.js';

/** A request and a limit (Kubernetes quantities, e.g. `500m`, `2`, `512Mi`). */
export interface RequestLimit {
  request: string;
  limit: string;
}

/** Kubernetes quantity: a decimal number and an optional binary/decimal suffix or exponent. */
const QUANTITY = /^(\d+(?:\.\d+)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/;

const SUFFIX: Record<string, number> = {
  '': 1,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/** The value of a quantity in base units (cores, bytes), or undefined when it is not one. */
export function quantityValue(text: string): number | undefined {
  const match = QUANTITY.exec(text);
  if (!match) return undefined;
  const suffix = match[2] ?? '';
  const factor = /^[eE]/.test(suffix) ? 10 ** Number(suffix.slice(1)) : SUFFIX[suffix];
  return factor === undefined ? undefined : Number(match[1]) * factor;
}

/**
 * Parses `REQUEST[:LIMIT]` for `flag`; without a limit the limit equals the request. A usage
 * error (exit 2) names the flag when a part is not a positive quantity or the limit is below
 * the request.
 */
export function parseRequestLimit(flag: string, value: string): RequestLimit {
  const [request = '', limit = request, ...rest] = value.split(':');
  const bad = (why: string) =>
    new RedlineError('E_USAGE_VALUE', `invalid value for ${flag}: "${value}" (${why})`, {
      hint: flag.includes('cpu')
        ? 'use a CPU quantity such as 500m or 2, or request:limit such as 500m:2'
        : 'use a memory quantity such as 512Mi or 2Gi, or request:limit such as 512Mi:1Gi',
      exitCode: ExitCode.Usage,
    });
  if (rest.length > 0) throw bad('at most one ":"');
  const requested = quantityValue(request);
  const limited = quantityValue(limit);
  if (requested === undefined || !(requested > 0)) throw bad(`"${request}" is not a quantity`);
  if (limited === undefined || !(limited > 0)) throw bad(`"${limit}" is not a quantity`);
  if (limited < requested) throw bad('the limit is below the request');
  return { request, limit };
}
