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

/**
 * Where every message of a WebSocket echo run (`redline run ws://… --message`) went: `sent` =
 * `answered` (a round trip in `ws_echo_round_trip`) + `unanswered` (by `error_class`:
 * `interrupted`, `reset`, `closed`); `failedHandshakes` counts the sessions the peer refused;
 * `dropped` (open model, `--rate`) the messages due that were never sent (`ws_echo_dropped`).
 */
export interface EchoAccounting {
  sent: number;
  answered: number;
  unanswered: Record<string, number>;
  failedHandshakes: number;
  /** Messages due and never sent (`--rate` only; absent in results written before it existed). */
  dropped?: number;
}

/** Counts the messages of an echo run; undefined when the run is not one (no `ws_echo_*` series). */
export function echoAccounting(totals: Aggregate): EchoAccounting | undefined {
  const counts: EchoAccounting = {
    sent: 0,
    answered: 0,
    unanswered: {},
    failedHandshakes: 0,
    dropped: 0,
  };
  let echo = false;
  for (const s of totals.series.values()) {
    if (s.metric === 'ws_msgs_sent') counts.sent += s.sum;
    else if (s.metric === 'ws_echo_round_trip') {
      echo = true;
      counts.answered += s.count;
    } else if (s.metric === 'ws_echo_unanswered') {
      echo = true;
      const errorClass = s.tags['error_class'] ?? 'other';
      counts.unanswered[errorClass] = (counts.unanswered[errorClass] ?? 0) + s.sum;
    } else if (s.metric === 'ws_echo_failed_handshakes') {
      echo = true;
      counts.failedHandshakes += s.sum;
    } else if (s.metric === 'ws_echo_dropped') {
      echo = true;
      counts.dropped = (counts.dropped ?? 0) + s.sum;
    }
  }
  return echo ? counts : undefined;
}

/**
 * The warning an echo run gets when the peer echoed none, or less than half, of the messages
 * sent, or refused handshakes; undefined otherwise.
 */
export function echoWarning(counts: EchoAccounting): string | undefined {
  const { sent, answered, unanswered, failedHandshakes } = counts;
  if (sent === 0) {
    return failedHandshakes > 0
      ? `the peer accepted none of the ${failedHandshakes} WebSocket handshakes: no message was sent`
      : undefined;
  }
  const refused =
    failedHandshakes > 0 ? `${failedHandshakes} WebSocket handshakes were refused` : undefined;
  if (answered >= sent * LOW_ANSWER_SHARE) return refused;
  const lost = Object.entries(unanswered)
    .filter(([, n]) => n > 0)
    .map(([cls, n]) => `${n} ${cls}`)
    .join(', ');
  const why = lost ? ` (unanswered: ${lost})` : '';
  const also = refused ? `; ${refused}` : '';
  if (answered === 0)
    return `the peer echoed none of the ${sent} messages sent${why}${also}: these results describe no round trip at all`;
  const share = ((answered / sent) * 100).toFixed(1);
  return `the peer echoed only ${answered} of the ${sent} messages sent (${share}%)${why}${also}`;
}
