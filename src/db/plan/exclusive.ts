/**
 * Exclusive (self) time and buffers of every node, computed the way PEV2 does: loops and parallel
 * workers folded into totals, InitPlans and CTEs charged to the nodes that use them.
 */
import { emptyBuffers, type PlanBuffers, type PlanNode, walkPlan } from './plan-node.js';

/**
 * Fills `totalMs`, `selfMs` and `selfBuffers` on every node of a PostgreSQL-style plan (per-loop
 * `actualTotalMs` and `loops`). Nodes without actual times are left without times.
 */
export function computeExclusiveTimes(root: PlanNode): void {
  computeTotals(root, 0);
  walkPlan(root, (node) => {
    if (node.totalMs === undefined) return;
    let childTotal = 0;
    for (const child of node.children) {
      const skip = child.parentRelationship === 'InitPlan' && node.nodeType !== 'Result';
      if (!skip) childTotal += child.totalMs ?? 0;
    }
    node.selfMs = Math.max(0, node.totalMs - childTotal);
    node.selfBuffers = subtractChildBuffers(node);
  });
  chargeCtes(root);
  chargeInitPlans(root);
}

/** total = per-loop time × loops ÷ (workers of the enclosing Gather + 1). */
function computeTotals(node: PlanNode, workers: number): void {
  const innerWorkers =
    node.nodeType === 'Gather' || node.nodeType === 'Gather Merge'
      ? (node.workersLaunched ?? 0)
      : workers;
  // An InitPlan runs once in the leader before the workers start: it is not divided among them.
  for (const child of node.children)
    computeTotals(child, child.parentRelationship === 'InitPlan' ? 0 : innerWorkers);
  if (node.actualTotalMs === undefined) return;
  const loops = node.loops ?? 1;
  node.totalMs = (node.actualTotalMs * loops) / (workers + 1);
}

function subtractChildBuffers(node: PlanNode): PlanBuffers | undefined {
  if (!node.buffers) return undefined;
  const self: PlanBuffers = { ...node.buffers };
  for (const child of node.children) {
    if (child.subplanName || !child.buffers) continue;
    self.sharedHit -= child.buffers.sharedHit;
    self.sharedRead -= child.buffers.sharedRead;
    self.sharedDirtied -= child.buffers.sharedDirtied;
    self.sharedWritten -= child.buffers.sharedWritten;
    self.tempRead -= child.buffers.tempRead;
    self.tempWritten -= child.buffers.tempWritten;
    if (self.ioReadMs !== undefined && child.buffers.ioReadMs !== undefined)
      self.ioReadMs -= child.buffers.ioReadMs;
  }
  const floor = emptyBuffers();
  for (const key of Object.keys(floor) as Array<keyof PlanBuffers>) {
    const value = self[key];
    if (value !== undefined && value < 0) self[key] = 0;
  }
  return self;
}

/** A CTE's time is inside the CTE Scans that read it: subtract it from them, pro rata. */
function chargeCtes(root: PlanNode): void {
  const ctes = new Map<string, PlanNode>();
  const scans = new Map<string, PlanNode[]>();
  walkPlan(root, (node) => {
    const match = node.subplanName ? /^CTE (.+)$/.exec(node.subplanName) : null;
    if (match?.[1]) ctes.set(match[1], node);
    if (node.nodeType === 'CTE Scan' && node.cteName) {
      const list = scans.get(node.cteName) ?? [];
      list.push(node);
      scans.set(node.cteName, list);
    }
  });
  for (const [name, cte] of ctes) {
    const users = scans.get(name) ?? [];
    const sum = users.reduce((acc, scan) => acc + (scan.actualTotalMs ?? 0), 0);
    if (sum <= 0 || cte.totalMs === undefined) continue;
    for (const scan of users) {
      if (scan.selfMs === undefined) continue;
      const share = (cte.totalMs * (scan.actualTotalMs ?? 0)) / sum;
      scan.selfMs = Math.max(0, scan.selfMs - share);
    }
  }
}

/**
 * An InitPlan's time is inside the node that first evaluates its result (`$0` / `InitPlan 1`): a
 * `Params Evaluated` list (Gather), a One-Time Filter or a condition. Pre-order finds the outermost
 * such node, and each InitPlan is charged once.
 */
function chargeInitPlans(root: PlanNode): void {
  const initPlans: Array<{ node: PlanNode; refs: string[] }> = [];
  walkPlan(root, (node) => {
    if (
      node.parentRelationship !== 'InitPlan' ||
      !node.subplanName ||
      node.subplanName.startsWith('CTE ')
    )
      return;
    const refs = [node.subplanName.replace(/\s*\(.*$/, '')];
    const returns = /returns (.+)\)/.exec(node.subplanName);
    if (returns?.[1]) refs.push(...returns[1].split(',').map((r) => r.trim()));
    initPlans.push({ node, refs });
  });
  if (initPlans.length === 0) return;
  const charged = new Set<PlanNode>();
  walkPlan(root, (node) => {
    const text = [
      node.filter,
      node.indexCond,
      node.joinFilter,
      node.hashCond,
      node.oneTimeFilter,
      ...(node.paramsEvaluated ?? []),
    ]
      .filter(Boolean)
      .join(' ');
    if (text === '' || node.selfMs === undefined) return;
    for (const { node: init, refs } of initPlans) {
      if (charged.has(init)) continue;
      const used = refs.some((ref) =>
        new RegExp(`${ref.replace(/[$()]/g, '\\$&')}(?![0-9])`).test(text),
      );
      if (!used) continue;
      node.selfMs = Math.max(0, node.selfMs - (init.totalMs ?? 0));
      charged.add(init);
    }
  });
}
