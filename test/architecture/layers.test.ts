/**
 * The layering check (`npm run layers`, .dependency-cruiser.cjs) on a copy of src/: green as it
 * is, red as soon as one back-edge or one surface bypass is planted. Also: the allowed folder
 * graph has no cycle.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const CONFIG = join(ROOT, '.dependency-cruiser.cjs');
const DEPCRUISE = join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');

const dir = mkdtempSync(join(tmpdir(), 'redline-layers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
cpSync(join(ROOT, 'src'), join(dir, 'src'), { recursive: true });
cpSync(join(ROOT, 'tsconfig.json'), join(dir, 'tsconfig.json'));

function check(): { status: number | null; output: string } {
  const run = spawnSync(process.execPath, [DEPCRUISE, '--config', CONFIG, 'src'], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

describe('the layering check', () => {
  // Each check cruises ~470 files: seconds, more on a busy machine.
  it('passes on src/ as it is', { timeout: 180_000 }, () => {
    const { status, output } = check();
    expect(output).toContain('no dependency violations found');
    expect(status).toBe(0);
  });

  it('fails on each planted violation, naming the file and the rule', { timeout: 180_000 }, () => {
    // A domain library importing the run engine (a back-edge: db sits below engine).
    appendFileSync(join(dir, 'src/db/index.ts'), "\nimport '../engine/controller.js';\n");
    // The audit reaching into the profiler past its surface.
    appendFileSync(
      join(dir, 'src/audit/summary.ts'),
      "\nexport { fitLine } from '../profiler/analysis/leak.js';\n",
    );
    // An output importing the run engine (a back-edge: the engine imports outputs).
    appendFileSync(
      join(dir, 'src/outputs/csv/csv-output.ts'),
      "\nexport type { ShardReport } from '../../engine/shard-report.js';\n",
    );
    const { status, output } = check();
    expect(status).not.toBe(0);
    expect(output).toMatch(/not-in-allowed: src\/db\/index\.ts → src\/engine\/controller\.ts/);
    expect(output).toMatch(
      /through-profiler-surface: src\/audit\/summary\.ts → src\/profiler\/analysis\/leak\.ts/,
    );
    expect(output).toMatch(
      /not-in-allowed: src\/outputs\/csv\/csv-output\.ts → src\/engine\/shard-report\.ts/,
    );
    // The two imports of the engine also pass by its surface (engine/index.ts).
    expect(output).toMatch(
      /through-engine-surface: src\/db\/index\.ts → src\/engine\/controller\.ts/,
    );
    expect(output).toMatch(
      /through-engine-surface: src\/outputs\/csv\/csv-output\.ts → src\/engine\/shard-report\.ts/,
    );
    expect(output).toContain('5 dependency violations');
  });
});

describe('the allowed folder graph', () => {
  it('has no cycle, so no two top-level folders can import each other', () => {
    const config = createRequire(import.meta.url)(CONFIG) as {
      allowed: Array<{ comment?: string; from: { path: string }; to: { path: string } }>;
    };
    const folders = (path: string) => /^\^src\/\(([^)]*)\)\/$/.exec(path)?.[1]?.split('|') ?? [];
    const graph = new Map<string, string[]>();
    for (const rule of config.allowed) {
      if (!rule.comment?.startsWith('layer: ')) continue;
      const [from] = folders(rule.from.path);
      if (from)
        graph.set(
          from,
          folders(rule.to.path).filter((f) => f !== from),
        );
    }
    expect(graph.size).toBeGreaterThan(15);
    const state = new Map<string, 'open' | 'done'>();
    const cycles: string[] = [];
    const visit = (node: string, path: string[]): void => {
      if (state.get(node) === 'done') return;
      if (state.get(node) === 'open') {
        cycles.push([...path.slice(path.indexOf(node)), node].join(' → '));
        return;
      }
      state.set(node, 'open');
      for (const next of graph.get(node) ?? []) visit(next, [...path, node]);
      state.set(node, 'done');
    };
    for (const node of graph.keys()) visit(node, []);
    expect(cycles).toEqual([]);
    for (const targets of graph.values())
      for (const target of targets) expect(graph.has(target)).toBe(true);
  });
});
