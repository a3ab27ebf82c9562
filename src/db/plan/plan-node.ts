/** The engine-neutral query plan: PostgreSQL, MariaDB and MySQL plans all parse into these nodes. */

/** Which database produced a plan. */
export type PlanEngine = 'postgres' | 'mariadb' | 'mysql';

/** Buffer counters (PostgreSQL blocks of 8 kB; MariaDB pages). Totals over all loops. */
export interface PlanBuffers {
  sharedHit: number;
  sharedRead: number;
  sharedDirtied: number;
  sharedWritten: number;
  tempRead: number;
  tempWritten: number;
  /** Time spent reading blocks (ms), when `track_io_timing` is on. */
  ioReadMs?: number;
}

/** MySQL/MariaDB table-access details (EXPLAIN JSON `table` objects). */
export interface MysqlAccess {
  /** `ALL`, `index`, `range`, `ref`, `eq_ref`, `const`, ... */
  accessType?: string;
  possibleKeys?: string[];
  key?: string;
  /** Rows examined per loop (`r_rows` actual, or `rows` estimated). */
  rowsExamined?: number;
  /** The optimizer's estimate of rows examined per loop (`rows`, before the condition's `filtered`). */
  estimatedRowsExamined?: number;
  /** Percentage of examined rows kept by the attached condition. */
  filteredPct?: number;
  /** Join buffer kind (`BNL`, `BNLH`, `hash`), when a join buffer is used. */
  joinBuffer?: string;
  /** A filesort's LIMIT (MariaDB `r_limit`): it keeps only this many rows (a top-N). */
  sortLimit?: number;
  /** A filesort's merge passes (MariaDB `r_sort_passes`): above 0 the sort spilled to temporary files. */
  sortPasses?: number;
}

/**
 * One node of a plan. Rows and times follow PostgreSQL's convention: `estimatedRows`,
 * `actualRows` and `actualTotalMs` are **per loop**; `totalMs` and `selfMs` are computed totals
 * over all loops (and divided across parallel workers), `selfMs` excluding children.
 */
export interface PlanNode {
  /** Pre-order position in the plan (0 = root). */
  id: number;
  /** Operation, e.g. `Seq Scan`, `Hash Join`, `Sort`, `table` (MySQL), `filesort`. */
  nodeType: string;
  /** One-line label for display, e.g. `Seq Scan on orders o`. */
  label: string;
  relation?: string;
  schema?: string;
  alias?: string;
  indexName?: string;
  /** `Outer`, `Inner`, `InitPlan`, `SubPlan`, `Member`, ... */
  parentRelationship?: string;
  subplanName?: string;
  cteName?: string;
  estimatedRows?: number;
  actualRows?: number;
  loops?: number;
  totalCost?: number;
  actualTotalMs?: number;
  /** Inclusive time over all loops (ms). */
  totalMs?: number;
  /** Exclusive (self) time over all loops (ms). */
  selfMs?: number;
  /** Rows removed by the node's filter, over all loops. */
  rowsRemovedByFilter?: number;
  rowsRemovedByJoinFilter?: number;
  rowsRemovedByIndexRecheck?: number;
  /** The filter condition as the engine prints it (`Filter` / `attached_condition`). */
  filter?: string;
  indexCond?: string;
  joinFilter?: string;
  hashCond?: string;
  /** PostgreSQL `One-Time Filter` (evaluated once, may use an InitPlan's result). */
  oneTimeFilter?: string;
  /** PostgreSQL `Params Evaluated`: InitPlan results this node computes before it runs. */
  paramsEvaluated?: string[];
  sortKey?: string[];
  sortMethod?: string;
  sortSpaceKb?: number;
  sortSpaceType?: string;
  hashBatches?: number;
  originalHashBatches?: number;
  peakMemoryKb?: number;
  diskUsageKb?: number;
  heapFetches?: number;
  lossyHeapBlocks?: number;
  exactHeapBlocks?: number;
  workersPlanned?: number;
  workersLaunched?: number;
  /** Inclusive buffers (totals over loops, as PostgreSQL prints them). */
  buffers?: PlanBuffers;
  /** Buffers of this node alone. */
  selfBuffers?: PlanBuffers;
  /** Table size estimate (rows), when known from the catalogue or MySQL's plan. */
  relationRows?: number;
  mysql?: MysqlAccess;
  /** Flags the engine printed (MySQL `Using filesort`, `Using temporary`, ...). */
  extra?: string[];
  /** True when the node ran zero times (`never executed`). */
  neverExecuted: boolean;
  children: PlanNode[];
}

/** JIT compilation summary (PostgreSQL). */
export interface PlanJit {
  functions: number;
  totalMs: number;
}

/** A whole explained statement. */
export interface ExplainedPlan {
  engine: PlanEngine;
  /** True when the plan carries actual times and rows (EXPLAIN ANALYZE). */
  analyzed: boolean;
  root: PlanNode;
  planningMs?: number;
  executionMs?: number;
  jit?: PlanJit;
  triggerMs?: number;
  /** The statement that was explained, when known. */
  sql?: string;
}

/** Calls `visit` for every node, depth first, parents before children. */
export function walkPlan(
  root: PlanNode,
  visit: (node: PlanNode, parent: PlanNode | undefined) => void,
): void {
  const stack: Array<[PlanNode, PlanNode | undefined]> = [[root, undefined]];
  while (stack.length > 0) {
    const [node, parent] = stack.pop() as [PlanNode, PlanNode | undefined];
    visit(node, parent);
    for (let i = node.children.length - 1; i >= 0; i--)
      stack.push([node.children[i] as PlanNode, node]);
  }
}

/** All nodes in pre-order. */
export function listPlanNodes(root: PlanNode): PlanNode[] {
  const nodes: PlanNode[] = [];
  walkPlan(root, (node) => nodes.push(node));
  return nodes;
}

/** The total time a plan took (execution time, else the root's inclusive time), in ms. */
export function planTotalMs(plan: ExplainedPlan): number {
  return plan.executionMs ?? plan.root.totalMs ?? 0;
}

/** A zeroed buffer record. */
export function emptyBuffers(): PlanBuffers {
  return {
    sharedHit: 0,
    sharedRead: 0,
    sharedDirtied: 0,
    sharedWritten: 0,
    tempRead: 0,
    tempWritten: 0,
  };
}
