/** Public surface of script/yaml/: YAML plans (Artillery-style or k6-style) compiled to scripts. */
export {
  type CompiledPlan,
  compileYamlPlan,
  isYamlPlanPath,
  readYamlPlan,
  YAML_PLAN_EXTENSIONS,
} from './compile-plan.js';
export {
  describePlanData,
  describePlanFileData,
  describePlanTextData,
  describeScriptData,
} from './describe-data.js';
export { type LoadYamlPlanOptions, loadYamlPlan } from './load-yaml-plan.js';
export type { YamlPlan } from './model.js';
