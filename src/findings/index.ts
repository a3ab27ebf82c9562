/**
 * Re-exports of findings/, kept only for importers not yet moved (src/db): findings/ is a
 * building block, so import finding.ts or rank.ts directly. Deleted in phase 2 (docs/architecture.md).
 */
export * from './finding.js';
export { compareSeverity, rankFindings, severityFromShare } from './rank.js';
