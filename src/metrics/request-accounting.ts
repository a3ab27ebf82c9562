/**
 * How the requests of a run ended, counted from the merged `http_reqs` series: answered,
 * failed with a class, or interrupted when the test ended — so every request sent is accounted
 * for, and a run the target never answered is never green.
 */
import type { Aggregate } from './aggregate.js';

/**
 * Where every HTTP request of a run went: `sent` = `answered` (a response with a status) +
 * `failed` (no response, by class, `timeout` included) + `interrupted` (cut by the end of the
 * test). `retried` counts the extra attempts (not in `sent`).
 */
export interface RequestAccounting {
  sent: number;
  answered: number;
  failed: number;
  interrupted: number;
  retried: number;
}

/** Counts the requests of a run from its merged totals (`http_reqs` by status and class). */
export function requestAccounting(totals: Aggregate): RequestAccounting {
  const counts: RequestAccounting = { sent: 0, answered: 0, failed: 0, interrupted: 0, retried: 0 };
  for (const s of totals.series.values()) {
    if (s.metric === 'http_req_retries') counts.retried += s.sum;
    if (s.metric !== 'http_reqs') continue;
    counts.sent += s.sum;
    // Every request without a response carries `error_class` (see HttpSeriesCache.forError).
    const errorClass = s.tags['error_class'];
    if (errorClass === undefined) counts.answered += s.sum;
    else if (errorClass === 'interrupted') counts.interrupted += s.sum;
    else counts.failed += s.sum;
  }
  return counts;
}

/** Below this share of answered requests, a run gets a warning (see {@link answerWarning}). */
export const LOW_ANSWER_SHARE = 0.5;

/**
 * The warning a run gets when the target answered none, or less than half, of the requests sent
 * (an empty or mostly failed run must never look green); undefined otherwise.
 */
export function answerWarning(counts: RequestAccounting): string | undefined {
  const { sent, answered, interrupted } = counts;
  if (sent === 0 || answered >= sent * LOW_ANSWER_SHARE) return undefined;
  const cut = interrupted > 0 ? `; ${interrupted} were still waiting when the test ended` : '';
  if (answered === 0)
    return `the target answered none of the ${sent} requests sent${cut}: these results describe no response at all`;
  const share = ((answered / sent) * 100).toFixed(1);
  return `the target answered only ${answered} of the ${sent} requests sent (${share}%)${cut}`;
}
