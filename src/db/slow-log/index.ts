/** Public surface of db/slow-log: read MySQL/MariaDB slow logs (file or table) and rank them. */
export { digestSlowLog, parameterize, type SlowLogDigest, type SlowQueryClass } from './digest.js';
export { parseSlowLogFile, readSlowLogTable, type SlowLogEntry } from './parse.js';
export {
  digestSlowLogFile,
  digestSlowLogTable,
  explainCommand,
  explainSlowClasses,
  openSlowLogDb,
  renderSlowLogDigest,
  shellQuote,
} from './report.js';
