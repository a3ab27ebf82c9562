/**
 * Rewrites of the user's own lines for the rules that know one: a synchronous call on the event
 * loop → its asynchronous form, an N+1 loop → one query for the whole loop (`= ANY($1)` /
 * `IN (?)`), an unpaginated query → the same query with LIMIT/OFFSET. Each rewrite works on the
 * statement at the finding's line and gives up (no rewrite, the lines are still shown) when the
 * code does not have the shape it knows: it never guesses.
 */
import { batchLookupSql } from '../../db/index.js';
import type { Finding } from '../../findings/finding.js';

/** The user's lines from `firstLine` and what they become. */
export interface CodeRewrite {
  firstLine: number;
  before: string[];
  after: string[];
}

/** A statement: the lines from `first` to `last` (1-based, inclusive) and their text joined. */
interface Statement {
  first: number;
  last: number;
  lines: string[];
  joined: string;
}

/**
 * The statement that contains line `at`: back to the line where it starts (a line whose previous
 * line ends a statement or a block), forward until its brackets balance and it ends.
 */
function statementAt(lines: readonly string[], at: number): Statement | undefined {
  let first = at;
  while (first > 1 && first > at - 5) {
    const prev = (lines[first - 2] ?? '').trim();
    if (prev === '' || /[;{}]$/.test(prev) || prev.startsWith('//')) break;
    first--;
  }
  let depth = 0;
  for (let last = first; last <= Math.min(lines.length, first + 20); last++) {
    for (const ch of (lines[last - 1] ?? '').replace(/(["'`])(?:\\.|(?!\1).)*\1/g, '')) {
      if ('([{'.includes(ch)) depth++;
      else if (')]}'.includes(ch)) depth--;
    }
    if (depth <= 0) {
      const chunk = lines.slice(first - 1, last);
      return { first, last, lines: chunk, joined: chunk.map((l) => l.trim()).join(' ') };
    }
  }
  return undefined;
}

const indentOf = (line: string) => /^\s*/.exec(line)?.[0] ?? '';

/** Synchronous calls and their asynchronous forms (module, async name). */
const SYNC_TO_ASYNC: Record<string, { from: string; name: string; promisify: boolean }> = {
  pbkdf2Sync: { from: 'node:crypto', name: 'pbkdf2', promisify: true },
  scryptSync: { from: 'node:crypto', name: 'scrypt', promisify: true },
  hkdfSync: { from: 'node:crypto', name: 'hkdf', promisify: true },
  generateKeyPairSync: { from: 'node:crypto', name: 'generateKeyPair', promisify: true },
  gzipSync: { from: 'node:zlib', name: 'gzip', promisify: true },
  gunzipSync: { from: 'node:zlib', name: 'gunzip', promisify: true },
  deflateSync: { from: 'node:zlib', name: 'deflate', promisify: true },
  inflateSync: { from: 'node:zlib', name: 'inflate', promisify: true },
  brotliCompressSync: { from: 'node:zlib', name: 'brotliCompress', promisify: true },
  brotliDecompressSync: { from: 'node:zlib', name: 'brotliDecompress', promisify: true },
  readFileSync: { from: 'node:fs/promises', name: 'readFile', promisify: false },
  writeFileSync: { from: 'node:fs/promises', name: 'writeFile', promisify: false },
  hashSync: { from: 'bcrypt', name: 'hash', promisify: false },
  compareSync: { from: 'bcrypt', name: 'compare', promisify: false },
};

/** `pbkdf2Sync(...)` → `await pbkdf2Async(...)` (with the promisified helper it needs). */
function rewriteSyncCall(lines: readonly string[], at: number): CodeRewrite | undefined {
  const st = statementAt(lines, at);
  if (!st) return undefined;
  const call = /(?<![\w.$])((?:[\w$]+\.)?)([\w$]+Sync)\s*\(/.exec(st.joined);
  const target = call ? SYNC_TO_ASYNC[call[2] ?? ''] : undefined;
  if (!call || !target || /\bawait\s*$/.test(st.joined.slice(0, call.index))) return undefined;
  const sync = call[2] as string;
  const owner = call[1] ?? '';
  const replacement = target.promisify
    ? `await ${target.name}Async(`
    : `await ${owner}${target.name}(`;
  const after = st.lines.map((l) =>
    l.replace(new RegExp(`(?<![\\w.$])${owner.replace('.', '\\.')}${sync}\\s*\\(`), replacement),
  );
  const indent = indentOf(st.lines[0] ?? '');
  const note = target.promisify
    ? `${indent}// once per module: import { ${target.name} } from '${target.from}'; import { promisify } from 'node:util'; const ${target.name}Async = promisify(${target.name});`
    : owner
      ? ''
      : `${indent}// import { ${target.name} } from '${target.from}';`;
  return {
    firstLine: st.first,
    before: st.lines,
    after: [
      ...(note ? [note] : []),
      `${indent}// the enclosing function becomes async; its callers await it`,
      ...after,
    ],
  };
}

/** The loop around line `at`: its header line and the line of its closing brace. */
function enclosingLoop(
  lines: readonly string[],
  at: number,
): { header: number; end: number; item: string; list: string } | undefined {
  for (let h = at - 1; h >= Math.max(1, at - 15); h--) {
    const m = /^\s*for\s*\(\s*(?:const|let|var)\s+([\w$]+)\s+of\s+(.+?)\)\s*\{\s*$/.exec(
      lines[h - 1] ?? '',
    );
    if (!m) continue;
    let depth = 0;
    for (let e = h; e <= Math.min(lines.length, h + 40); e++) {
      for (const ch of (lines[e - 1] ?? '').replace(/(["'`])(?:\\.|(?!\1).)*\1/g, '')) {
        if (ch === '{') depth++;
        else if (ch === '}') depth--;
      }
      if (depth === 0) return e >= at ? { header: h, end: e, item: m[1]!, list: m[2]! } : undefined;
    }
    return undefined;
  }
  return undefined;
}

const quoteSql = (sql: string) => `'${sql.replace(/\s+/g, ' ').trim().replace(/'/g, "\\'")}'`;

/**
 * The N+1 loop → one query for every item: the per-item `= $1` (or `= ?`) becomes `= ANY($1)`
 * (`IN (?)`), the parameter the list of keys, and the loop looks each row up in a Map. Only for a
 * `const [row] = await db.query(SQL, [key])` statement inside a `for (const x of list)` loop, with
 * SQL filtering on one column.
 */
function rewriteNPlusOne(
  f: Finding,
  lines: readonly string[],
  at: number,
): CodeRewrite | undefined {
  const sql = f.location?.query;
  const st = statementAt(lines, at);
  const loop = enclosingLoop(lines, at);
  if (!sql || !st || !loop) return undefined;
  const call =
    /^(?:const|let)\s+\[\s*([\w$]+)\s*\]\s*=\s*await\s+([\w$.]+)\.(query|execute)(<[^>]*>)?\(\s*[^,]+,\s*\[\s*([^\],]+?)\s*,?\s*\]\s*\)\s*;?$/.exec(
      st.joined,
    );
  const batched = batchLookupSql(sql);
  if (!call || !batched) return undefined;
  const [, row, db, method, typeArg = '', key] = call;
  const { column, sql: anySql } = batched;
  const rowsName = `${row}Rows`;
  const mapName = `${row}By${column[0]!.toUpperCase()}${column.slice(1)}`;
  const indent = indentOf(lines[loop.header - 1] ?? '');
  const inner = indentOf(st.lines[0] ?? '');
  const body = lines.slice(loop.header, loop.end - 1);
  const before = lines.slice(loop.header - 1, loop.end);
  const stIndex = st.first - loop.header - 1;
  const newBody = [
    ...body.slice(0, stIndex),
    `${inner}const ${row} = ${mapName}.get(${key});`,
    ...body.slice(stIndex + st.lines.length),
  ];
  return {
    firstLine: loop.header,
    before,
    after: [
      `${indent}// one query for every ${loop.item} of ${loop.list} instead of one per ${loop.item}`,
      `${indent}const ${rowsName} = await ${db}.${method}${typeArg}(${quoteSql(anySql)}, [${loop.list}.map((${loop.item}) => ${key})]);`,
      `${indent}const ${mapName} = new Map(${rowsName}.map((r) => [r.${column}, r]));`,
      lines[loop.header - 1] ?? '',
      ...newBody,
      lines[loop.end - 1] ?? '',
    ],
  };
}

/**
 * An unpaginated query → the same query with `LIMIT/OFFSET` (the next placeholders), `limit` and
 * `offset` added to its parameters. For `db.query(SQL, [params])` with SQL a constant or a literal.
 */
function rewriteNoPagination(
  f: Finding,
  lines: readonly string[],
  at: number,
): CodeRewrite | undefined {
  const st = statementAt(lines, at);
  if (!st) return undefined;
  const call =
    /\.(?:query|execute)(?:<[^>]*>)?\(\s*([\w$.]+|'[^']*'|"[^"]*"|`[^`]*`)\s*,\s*\[([^\]]*)\]\s*\)/.exec(
      st.joined,
    );
  if (!call) return undefined;
  const [whole, sqlArg = '', paramText = ''] = call;
  const params = paramText
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  const dollar = !/\?/.test(f.location?.query ?? '');
  const limit = dollar
    ? `LIMIT $${params.length + 1} OFFSET $${params.length + 2}`
    : 'LIMIT ? OFFSET ?';
  const paged = /^[\w$.]+$/.test(sqlArg)
    ? `\`\${${sqlArg}} ${limit}\``
    : `${sqlArg.slice(0, -1)} ${limit}${sqlArg.slice(-1)}`;
  const rewritten = whole
    .replace(sqlArg, paged)
    .replace(`[${paramText}]`, `[${[...params, 'limit', 'offset'].join(', ')}]`);
  const indent = indentOf(st.lines[0] ?? '');
  const text = st.joined.replace(whole, rewritten);
  return {
    firstLine: st.first,
    before: st.lines,
    after: [
      `${indent}// limit and offset from the request (e.g. ?limit=20&offset=0, limit capped), ORDER BY kept`,
      `${indent}${text}`,
    ],
  };
}

/** The rewrite of the lines at `line` for finding `f`, when its rule knows one and the code fits. */
export function rewriteFindingCode(
  f: Finding,
  lines: readonly string[],
  line: number,
): CodeRewrite | undefined {
  if (f.id === 'probe.n-plus-one') return rewriteNPlusOne(f, lines, line);
  if (f.id === 'probe.no-pagination') return rewriteNoPagination(f, lines, line);
  if (f.area === 'cpu' || f.area === 'event-loop') return rewriteSyncCall(lines, line);
  return undefined;
}
