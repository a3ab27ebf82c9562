/** Public surface of findings/. */
export * from './finding.js';
export { compareSeverity, rankFindings, severityFromShare } from './rank.js';
