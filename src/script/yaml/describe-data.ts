/**
 * The test data a plan's iterations use, in one sentence for reports ("Test data: …"): its data
 * files with their record counts and how rows are drawn, or that every iteration sends the same
 * values. Only counts and field names are given, never a value (values may be credentials).
 */
import { readFileSync } from 'node:fs';
import { isYamlPlanPath, readYamlPlan } from './compile-plan.js';
import type { PayloadSpec, YamlPlan } from './model.js';
import { displayFile } from './plan-problems.js';

function describePayload(payload: PayloadSpec): string {
  const n = payload.rows.length;
  const records = `${n.toLocaleString('en-US')} record${n === 1 ? '' : 's'}`;
  const key = payload.fields[0];
  const distinct =
    key === undefined ? undefined : new Set(payload.rows.map((row) => String(row[key]))).size;
  const counted =
    distinct === undefined
      ? records
      : distinct === n
        ? `${records}, each a distinct ${key}`
        : `${records}, ${distinct.toLocaleString('en-US')} distinct ${key} values`;
  const how = payload.loadAll
    ? `every row in the list variable "${payload.name ?? ''}"`
    : `one row per iteration, ${payload.order === 'sequence' ? 'in sequence over the iterations' : 'drawn at random'}, shared read-only by the virtual users (SharedArray)`;
  return `${displayFile(payload.file)} (${counted}; ${how})`;
}

/** One sentence on the test data of `plan`. */
export function describePlanData(plan: YamlPlan): string {
  if (plan.payloads.length > 0) return plan.payloads.map(describePayload).join('; ');
  const lists = plan.variables.flatMap((v) =>
    'choices' in v ? [`${v.name}: ${v.choices.length} values`] : [],
  );
  if (lists.length > 0)
    return `no data file; each iteration picks at random from lists in the plan (${lists.join(', ')})`;
  return 'no data file: every iteration sends the same values (e.g. the same account)';
}

/** {@link describePlanData} of the plan file `file` (which must be a valid plan). */
export function describePlanFileData(file: string): string {
  return describePlanData(readYamlPlan(file, readFileSync(file, 'utf8')).plan);
}

/**
 * {@link describePlanData} of a plan given as text (`file` names it in errors and resolves its
 * relative data paths); "not stated" when the plan cannot be read.
 */
export function describePlanTextData(file: string, text: string): string {
  try {
    return describePlanData(readYamlPlan(file, text).plan);
  } catch {
    return 'not stated (the plan could not be read)';
  }
}

/**
 * The test data of the script a run executes, for reports: {@link describePlanTextData} for a
 * YAML plan; for a JavaScript/TypeScript script "not stated" (it reads its own data, if any).
 */
export function describeScriptData(scriptPath: string): string {
  if (!isYamlPlanPath(scriptPath))
    return 'not stated (the script reads its own data, if any; Redline does not know which)';
  let text: string;
  try {
    text = readFileSync(scriptPath, 'utf8');
  } catch {
    return 'not stated (the plan could not be read)';
  }
  return describePlanTextData(scriptPath, text);
}
