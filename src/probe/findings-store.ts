/** Aggregates per-request detections into findings (one per rule × route × query × call site). */

import type { Finding } from '../findings/finding.js';
import { registerFootprintOf } from './footprint.js';
import type { ResolvedSite } from './query-site.js';
import type { DriverName } from './state.js';

/** One detection in one request (or one window, for cache candidates). */
export interface Detection {
  id: string;
  route: string;
  query?: string;
  site?: ResolvedSite;
  /** Query executions involved. */
  executions: number;
  /** Time the pattern cost in this request (ms). */
  timeMs: number;
  /** Rule-specific numbers (max rows, columns used, ...): maxima are kept. */
  detail?: Record<string, number>;
  /** What this detection adds to the aggregate's `requests` (default 1; 0 for a follow-up). */
  requests?: number;
  /** The client library of the statement (its dialect decides database-specific advice). */
  driver?: DriverName;
}

/**
 * Identity of one probe finding: rule × route × statement × call site. It keys the store's
 * aggregates and the report file's finding records (the last record per key wins), so one key must
 * never name two aggregates: the same rule at the same line on two routes, or for two statements,
 * is two findings here (the audit merges them later by its own, coarser key: audit/findings/collect.ts).
 */
export function probeFindingKey(
  id: string,
  route: string | undefined,
  query: string | undefined,
  site: { file: string; line: number } | undefined,
): string {
  return `${id}\u0000${route ?? ''}\u0000${query ?? ''}\u0000${site ? `${site.file}:${site.line}` : ''}`;
}

/** {@link probeFindingKey} of a rendered finding (its location is the aggregate's: {@link locationOf}). */
export function probeFindingKeyOf(finding: Finding): string {
  const l = finding.location;
  return probeFindingKey(
    finding.id,
    l?.route,
    l?.query,
    l?.file !== undefined ? { file: l.file, line: l.line ?? 0 } : undefined,
  );
}

/** Detections merged over the probe's lifetime. */
export interface AggregatedDetection {
  id: string;
  route: string;
  query?: string;
  site?: ResolvedSite;
  requests: number;
  executions: number;
  totalMs: number;
  maxMs: number;
  detail: Record<string, number>;
  firstSeen: number;
  lastSeen: number;
  /** The client library of the statement, when a detection named it (the first one that did). */
  driver?: DriverName;
}

/** Turns an aggregate into the finding users read. */
export type DetectionRenderer = (aggregate: AggregatedDetection, context: RenderContext) => Finding;

/** What renderers know about the whole window (to compute shares). */
export interface RenderContext {
  /** Requests seen on the aggregate's route. */
  routeRequests: number;
  /** Total request time on that route (ms). */
  routeMs: number;
}

/** Keeps aggregates; `version` changes when anything does (so the report writes only changes). */
export class FindingsStore {
  #items = new Map<string, AggregatedDetection>();
  #renderers = new Map<string, DetectionRenderer>();
  #dirty = new Set<string>();
  #sources: Array<() => readonly Detection[]> = [];

  /**
   * Registers a source of batched detections (a detector's `drain`): its detections are added
   * before every render, so a batched detector's findings read as if each had been added.
   */
  addSource(drain: () => readonly Detection[]): void {
    this.#sources.push(drain);
  }

  constructor() {
    registerFootprintOf(this, (self) => [self.#items, self.#dirty]);
  }

  /** Registers how findings of rule `id` are rendered. */
  setRenderer(id: string, renderer: DetectionRenderer): void {
    this.#renderers.set(id, renderer);
  }

  /** Adds one detection. */
  add(detection: Detection): void {
    const key = probeFindingKey(detection.id, detection.route, detection.query, detection.site);
    const t = Date.now();
    let item = this.#items.get(key);
    if (!item) {
      item = {
        id: detection.id,
        route: detection.route,
        ...(detection.query !== undefined ? { query: detection.query } : {}),
        ...(detection.site ? { site: detection.site } : {}),
        requests: 0,
        executions: 0,
        totalMs: 0,
        maxMs: 0,
        detail: {},
        firstSeen: t,
        lastSeen: t,
      };
      this.#items.set(key, item);
    }
    item.requests += detection.requests ?? 1;
    item.executions += detection.executions;
    item.totalMs += detection.timeMs;
    item.maxMs = Math.max(item.maxMs, detection.timeMs);
    item.lastSeen = t;
    if (detection.driver && !item.driver) item.driver = detection.driver;
    for (const [name, value] of Object.entries(detection.detail ?? {}))
      item.detail[name] = Math.max(item.detail[name] ?? value, value);
    this.#dirty.add(key);
  }

  /** Every aggregate rendered as a finding (`onlyChanged`: those changed since the last call). */
  render(context: (route: string) => RenderContext, onlyChanged = false): Finding[] {
    for (const drain of this.#sources) for (const detection of drain()) this.add(detection);
    const keys = onlyChanged ? [...this.#dirty] : [...this.#items.keys()];
    this.#dirty.clear();
    const findings: Finding[] = [];
    for (const key of keys) {
      const item = this.#items.get(key);
      const renderer = item ? this.#renderers.get(item.id) : undefined;
      if (item && renderer) findings.push(renderer(item, context(item.route)));
    }
    return findings;
  }

  /** Number of distinct aggregates. */
  get size(): number {
    return this.#items.size;
  }
}

/** The location block shared by probe findings. */
export function locationOf(item: AggregatedDetection): Finding['location'] {
  return {
    route: item.route,
    ...(item.query ? { query: item.query } : {}),
    ...(item.site ? { file: item.site.file, line: item.site.line, column: item.site.column } : {}),
    ...(item.site?.functionName ? { functionName: item.site.functionName } : {}),
  };
}

/** `file:line` text for messages. */
export function whereText(item: AggregatedDetection): string {
  return item.site ? `${item.site.file}:${item.site.line}` : 'an unknown call site';
}
