/** Checks a suggested index against the table's existing indexes (Dexter drops covered suggestions). */
import type { Finding } from '../../findings/finding.js';
import type { DbSession } from '../connection.js';
import type { PlanFindingData } from '../rules/plan-rule.js';

/** An existing index: its name and key columns in order. */
export interface ExistingIndex {
  name: string;
  columns: string[];
}

/** Lists a PostgreSQL table's indexes with their key columns (expression keys appear as `expr`). */
export async function listPostgresIndexes(
  session: DbSession,
  table: string,
  schema?: string,
): Promise<ExistingIndex[]> {
  const result = await session.query<{ name: string; columns: string[] | string }>(
    `SELECT i.relname AS name,
            ARRAY(SELECT COALESCE(a.attname, 'expr') FROM unnest(ix.indkey) WITH ORDINALITY AS k(attnum, ord)
                  LEFT JOIN pg_attribute a ON a.attrelid = ix.indrelid AND a.attnum = k.attnum
                  ORDER BY k.ord) AS columns
       FROM pg_index ix
       JOIN pg_class i ON i.oid = ix.indexrelid
       JOIN pg_class t ON t.oid = ix.indrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace
      WHERE t.relname = $1 AND n.nspname = COALESCE($2, current_schema())`,
    [table, schema ?? null],
  );
  return result.rows.map((row) => ({ name: row.name, columns: parseArray(row.columns) }));
}

/**
 * For each index suggestion in `findings`: when an existing index already leads with the suggested
 * first column, the problem is not a missing index — the finding's recommendation says so instead.
 */
export async function annotateExistingIndexes(
  session: DbSession,
  findings: Finding[],
): Promise<void> {
  for (const finding of findings) {
    const data = finding.data as PlanFindingData | undefined;
    const index = data?.index;
    if (index?.engine !== 'postgres') continue;
    const existing = await listPostgresIndexes(session, index.table, index.schema).catch(() => []);
    const covering = existing.find((e) => e.columns[0] === index.columns[0]);
    if (!covering) continue;
    finding.recommendation = {
      text: `Index ${covering.name} (${covering.columns.join(', ')}) already starts with ${index.columns[0]} but the planner did not use it: refresh statistics (ANALYZE ${index.table}), check the predicate compares the column without a cast or function, and compare with the suggested ${index.columns.join(', ')} index.`,
      sql: index.createSql,
      effort: 'low',
    };
    finding.evidence.push({
      label: 'existing index',
      value: `${covering.name} (${covering.columns.join(', ')})`,
    });
  }
}

function parseArray(value: string[] | string): string[] {
  if (Array.isArray(value)) return value;
  return value
    .replace(/^\{|\}$/g, '')
    .split(',')
    .filter((v) => v !== '');
}
