/**
 * Writes an audit's files into the output folder: audit.json (the AuditResultFile), report.md,
 * report.html and junit.xml, all redacted first; and the Load Test Plan of `--plan-only`.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ExitCode } from '../errors/exit-codes.js';
import { RedlineError } from '../errors/redline-error.js';
import {
  createLoadTestPlan,
  createReportModelFromAudit,
  renderHtml,
  renderJunit,
  renderLoadTestPlanMarkdown,
  renderMarkdown,
} from '../report/index.js';
import type { AuditConfigSummary, AuditEnvironment } from '../results/audit-result.js';
import { redactDeep, redactText } from '../util/redact.js';
import type { AuditRecord } from './baseline.js';

async function writeAll(dir: string, files: ReadonlyArray<[string, string]>): Promise<string[]> {
  try {
    await mkdir(dir, { recursive: true });
    const out: string[] = [];
    for (const [name, text] of files) {
      const path = join(dir, name);
      await writeFile(path, text);
      out.push(path);
    }
    return out;
  } catch (cause) {
    throw new RedlineError('E_AUDIT_WRITE', `cannot write the audit results into ${dir}`, {
      cause,
      exitCode: ExitCode.CannotWrite,
      hint: 'check that the folder is writable, or choose another with --out',
    });
  }
}

/** Writes audit.json, report.md, report.html and junit.xml; returns their paths. */
export async function writeAuditOutputs(
  record: AuditRecord,
  dir: string,
  secrets: readonly string[],
): Promise<string[]> {
  const options = { secrets };
  const safe = redactDeep(record, options);
  const model = createReportModelFromAudit(safe, options);
  return writeAll(dir, [
    ['audit.json', `${JSON.stringify(safe, null, 2)}\n`],
    ['report.md', redactText(renderMarkdown(model), options)],
    ['report.html', redactText(renderHtml(model), options)],
    ['junit.xml', redactText(renderJunit(model), options)],
  ]);
}

/** Renders the Load Test Plan [ref: load-test-plan] (redacted) for `--plan-only`. */
export function renderPlan(
  summary: AuditConfigSummary,
  environment: AuditEnvironment | undefined,
  secrets: readonly string[],
): string {
  const options = { secrets };
  return redactText(
    renderLoadTestPlanMarkdown(createLoadTestPlan(summary, environment, options)),
    options,
  );
}

/** Writes `load-test-plan.md` into `dir`; returns its path. */
export async function writePlan(text: string, dir: string): Promise<string> {
  const [path] = await writeAll(dir, [['load-test-plan.md', text]]);
  return path as string;
}
