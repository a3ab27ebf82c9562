/** Public surface of db/: explain queries, analyse plans, suggest and verify indexes, rank top queries. */
export {
  buildSuggestion,
  type IndexSuggestion,
  type IndexVerification,
  suggestIndex,
} from './advice/index-advice.js';
export {
  createPgliteSession,
  type DbSession,
  type DbTarget,
  maskDbUrl,
  openDb,
  parseDbTarget,
} from './connection.js';
export {
  type ExplainQueryOptions,
  type ExplainReport,
  explainPlanFile,
  explainQuery,
  parseSavedPlan,
  runExplain,
} from './explain-query.js';
export {
  analyzeMongoFile,
  type MongoFileAnalysis,
  renderMongoAnalysis,
  shapeOf,
} from './mongo/index.js';
export { parseMariaDbPlan } from './mysql/parse-mariadb.js';
export { parseMysqlTree } from './mysql/parse-mysql-tree.js';
export {
  MAX_COPY_BYTES,
  MAX_COPY_ROWS,
  type MysqlVerifyOptions,
  VERIFY_RUNS,
} from './mysql/verify-index.js';
export * from './plan/plan-node.js';
export type { ExplainRun, RunExplainOptions } from './postgres/explain.js';
export { parsePostgresPlan } from './postgres/parse-plan.js';
export { renderFindingsText } from './render/findings-text.js';
export { renderPlanTree } from './render/plan-tree.js';
export { renderTopQueries } from './render/top-text.js';
export {
  PLAN_RULES,
  type PlanFindingData,
  type PlanRule,
  rankByTimeSaved,
  runPlanRules,
} from './rules/index.js';
export {
  ANALYZE_REFUSED_NOTE,
  type ExplainMode,
  type ExplainSafety,
  type StatementAssessment,
  WRITES_NOT_ALLOWED,
} from './safety.js';
export {
  digestSlowLogFile,
  digestSlowLogTable,
  explainSlowClasses,
  openSlowLogDb,
  renderSlowLogDigest,
  type SlowLogDigest,
} from './slow-log/index.js';
export {
  batchLookupSql,
  isSelectStar,
  isUnboundedSelect,
  normalizeSql,
  parenDepthAt,
} from './sql/normalize.js';
export { classifyStatement } from './sql/statement-kind.js';
export {
  explainNormalised,
  resetTopQueries,
  type TopQueriesOptions,
  type TopQueriesResult,
  type TopQuery,
  topQueries,
} from './stats/top-queries.js';
export {
  VERIFY_INDEX_COPY_NOTE,
  VERIFY_INDEX_LOCK_WARNING,
  verifyIndex,
} from './verify-index.js';
