/** Public surface of slo/: SLO files in, Prometheus rules, promtool tests and a Grafana dashboard out. */
export type { SuccessCriteria } from './criteria.js';
export { createSloSpecFromCriteria } from './from-criteria.js';
export {
  generateSloArtifacts,
  type SloArtifacts,
  type SloVerification,
  verifySloArtifacts,
  writeSloArtifacts,
} from './generate.js';
export { createSloDashboard, dashboardExpressions } from './grafana.js';
export { parseSloSpec } from './parse-spec.js';
export { checkPromql, checkRules, findPromtool, testRules } from './promtool.js';
export { renderPromtoolTests } from './promtool-tests.js';
export { createSloRuleGroups, renderRulesYaml } from './rules.js';
export * from './spec.js';
