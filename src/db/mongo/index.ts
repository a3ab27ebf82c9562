/**
 * Public surface of db/mongo: saved MongoDB artefacts (explain output, system.profile exports)
 * judged with findings and ESR index suggestions. No MongoDB server is contacted.
 */
import { readFile } from 'node:fs/promises';
import { ExitCode } from '../../errors/exit-codes.js';
import { RedlineError } from '../../errors/redline-error.js';
import type { Finding } from '../../findings/finding.js';
import { renderFindingsText } from '../render/findings-text.js';
import {
  createMongoExplainFindings,
  isMongoExplain,
  type MongoExplain,
  parseMongoExplain,
} from './explain.js';
import {
  digestMongoProfile,
  isMongoProfile,
  type MongoProfileDigest,
  parseMongoDocuments,
} from './profile.js';

export {
  createMongoExplainFindings,
  MONGO_THRESHOLDS,
  type MongoExplain,
  parseMongoExplain,
} from './explain.js';
export {
  classifyFilter,
  type MongoIndexSuggestion,
  shapeOf,
  suggestMongoIndex,
} from './index-advice.js';
export {
  digestMongoProfile,
  type MongoProfileDigest,
  type MongoProfileShape,
  parseMongoDocuments,
} from './profile.js';

/** What a MongoDB file held, analysed. */
export type MongoFileAnalysis =
  | { kind: 'explain'; source: string; explain: MongoExplain; findings: Finding[] }
  | { kind: 'profile'; source: string; digest: MongoProfileDigest; findings: Finding[] };

/** Reads an explain result or a system.profile export and analyses it. */
export async function analyzeMongoFile(path: string, limit = 10): Promise<MongoFileAnalysis> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new RedlineError('DB_MONGO_NOT_FOUND', `cannot read ${path}`, {
      exitCode: ExitCode.NoInput,
      cause,
    });
  }
  let docs: Record<string, unknown>[];
  try {
    docs = parseMongoDocuments(text);
  } catch (cause) {
    throw new RedlineError('DB_MONGO_INVALID', `${path} is not JSON or JSON lines`, {
      exitCode: ExitCode.DataError,
      hint: 'Save explain output with JSON.stringify / EJSON.stringify (mongosh), and system.profile with mongoexport --collection=system.profile.',
      position: { file: path },
      cause,
    });
  }
  if (docs.length === 1 && isMongoExplain(docs[0])) {
    const explain = parseMongoExplain(docs[0] as Record<string, unknown>);
    return {
      kind: 'explain',
      source: path,
      explain,
      findings: createMongoExplainFindings(explain),
    };
  }
  if (isMongoProfile(docs)) {
    const digest = digestMongoProfile(docs, path, limit);
    return {
      kind: 'profile',
      source: path,
      digest,
      findings: digest.shapes.flatMap((s) => s.findings),
    };
  }
  throw new RedlineError(
    'DB_MONGO_UNKNOWN',
    `${path} is neither explain output nor a system.profile export`,
    {
      exitCode: ExitCode.DataError,
      hint: 'Expected explain("executionStats") output (a document with queryPlanner) or profiler documents (ns, op, millis).',
      position: { file: path },
    },
  );
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : ' '.repeat(width - text.length) + text;
}

/** The text report of a MongoDB file. */
export function renderMongoAnalysis(a: MongoFileAnalysis): string {
  const lines: string[] = [];
  if (a.kind === 'explain') {
    const e = a.explain;
    lines.push(
      `explain of ${e.namespace}${e.executed ? '' : ' (queryPlanner only: no execution counters)'}`,
    );
    for (const s of e.stages) {
      const counters = [
        s.nReturned !== undefined ? `returned ${s.nReturned}` : '',
        s.docsExamined !== undefined ? `docs ${s.docsExamined}` : '',
        s.keysExamined !== undefined ? `keys ${s.keysExamined}` : '',
        s.usedDisk ? 'used disk' : '',
      ].filter(Boolean);
      lines.push(
        `${'  '.repeat(s.depth + 1)}${s.stage}${s.indexName ? ` ${s.indexName}` : ''}${counters.length ? `  (${counters.join(', ')})` : ''}`,
      );
    }
  } else {
    const d = a.digest;
    lines.push(
      `${d.source}: ${d.operations} profiled operations, ${d.totalMs} ms in total; ranked by total time`,
      '',
    );
    lines.push(
      `${pad('#', 3)} ${pad('total ms', 9)} ${pad('%', 5)} ${pad('count', 6)} ${pad('mean ms', 8)} ${pad('examined/ret', 12)}  namespace op shape [plan]`,
    );
    d.shapes.forEach((s, i) => {
      lines.push(
        `${pad(String(i + 1), 3)} ${pad(String(s.totalMs), 9)} ${pad((s.share * 100).toFixed(1), 5)} ${pad(String(s.count), 6)} ${pad(s.meanMs.toFixed(1), 8)} ${pad((s.docsExamined / Math.max(1, s.nreturned)).toFixed(1), 12)}  ${s.namespace} ${s.op} ${s.shape} [${s.plans.join(', ')}]`,
      );
    });
  }
  lines.push('', renderFindingsText(a.findings).trimEnd());
  return `${lines.join('\n')}\n`;
}
