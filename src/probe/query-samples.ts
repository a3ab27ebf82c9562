/** One real execution kept per statement shape (its slowest), for a `db explain` command users can paste. */

import { registerFootprint } from './footprint.js';

/** One execution of a statement shape as the app sent it: its text and its parameters. */
export interface QuerySample {
  text: string;
  params: readonly unknown[];
}

/** Statement shapes sampled at most (the first ones seen; later shapes get no sample). */
const SAMPLE_LIMIT = 5000;
const samples = new Map<string, QuerySample & { ms: number }>();
registerFootprint(() => samples);

/**
 * Keeps the slowest execution seen of the normalised statement `sql` (`ms`: its time; one Map
 * lookup per execution, a copy of the parameters only when it is the slowest so far). Not the
 * first one: a statement's cost can hang on its parameters (a lookup by an unindexed column with
 * LIMIT 1 stops at the first match), and the audit EXPLAIN ANALYZEs this execution: the first
 * one of a real Express + Sequelize service's slug lookup matched within 1,000 rows (0.6 ms, no
 * finding) while most of its executions read 10,000 rows or more.
 */
export function keepSample(sql: string, text: string, params: unknown, ms: number): void {
  const kept = samples.get(sql);
  if (kept ? ms <= kept.ms : samples.size >= SAMPLE_LIMIT) return;
  samples.set(sql, { text, params: Array.isArray(params) ? [...params] : [], ms });
}

/** The slowest execution seen of a normalised statement: its text and parameters. */
export function sampleOf(sql: string): QuerySample | undefined {
  const kept = samples.get(sql);
  return kept ? { text: kept.text, params: kept.params } : undefined;
}
