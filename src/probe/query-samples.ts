/** One real execution kept per statement shape, for a `db explain` command users can paste. */

import { registerFootprint } from './footprint.js';

/** One execution of a statement shape as the app sent it: its text and its parameters. */
export interface QuerySample {
  text: string;
  params: readonly unknown[];
}

/** Statement shapes sampled at most (the first ones seen; later shapes get no sample). */
const SAMPLE_LIMIT = 5000;
const samples = new Map<string, QuerySample>();
registerFootprint(() => samples);

/** Keeps the first execution of the normalised statement `sql` (one Map lookup afterwards). */
export function keepSample(sql: string, text: string, params: unknown): void {
  if (samples.has(sql) || samples.size >= SAMPLE_LIMIT) return;
  samples.set(sql, { text, params: Array.isArray(params) ? [...params] : [] });
}

/** The first execution seen of a normalised statement. */
export function sampleOf(sql: string): QuerySample | undefined {
  return samples.get(sql);
}
