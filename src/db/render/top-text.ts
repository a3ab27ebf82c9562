/** Renders the `redline db top` ranking as a terminal table. */
import type { TopQueriesResult } from '../stats/top-queries.js';
import { renderFindingsText } from './findings-text.js';

/** A table of statements ranked by total time, with their flags and (if explained) findings. */
export function renderTopQueries(result: TopQueriesResult): string {
  const lines = [
    `${result.source} on ${result.target}: ${result.queries.length} statements, ${result.totalMs.toFixed(1)} ms in total`,
    '',
  ];
  lines.push(
    `${pad('#', 3)} ${pad('total ms', 11)} ${pad('%', 6)} ${pad('calls', 8)} ${pad('mean ms', 9)} ${pad('rows/call', 10)} ${pad('hit %', 6)}  query`,
  );
  result.queries.forEach((q, i) => {
    const hit = q.cacheHitRatio !== undefined ? (q.cacheHitRatio * 100).toFixed(1) : '';
    const text = q.query.replace(/\s+/g, ' ');
    lines.push(
      `${pad(String(i + 1), 3)} ${pad(q.totalMs.toFixed(1), 11)} ${pad((q.share * 100).toFixed(1), 6)} ${pad(String(q.calls), 8)} ${pad(q.meanMs.toFixed(3), 9)} ${pad(q.rowsPerCall.toFixed(1), 10)} ${pad(hit, 6)}  ${text.length > 90 ? `${text.slice(0, 87)}...` : text}`,
    );
    if (q.flags.length > 0) lines.push(`${' '.repeat(60)}⚑ ${q.flags.join(', ')}`);
  });
  for (const [i, q] of result.queries.entries()) {
    if (!q.findings) continue;
    lines.push('', `#${i + 1} explained:`, renderFindingsText(q.findings).trimEnd());
  }
  return `${lines.join('\n')}\n`;
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : ' '.repeat(width - text.length) + text;
}
