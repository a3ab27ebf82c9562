/** `redline report <result.json>`: re-renders a saved run or audit as Markdown, HTML, JSON or JUnit. */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { ExitCode } from '../../errors/exit-codes.js';
import { RedlineError } from '../../errors/redline-error.js';
import {
  createReportModel,
  isReportFormat,
  RENDERERS,
  type ReportFormat,
} from '../../report/index.js';
import { readResultFile } from '../../results/read-result.js';

interface ReportFlags {
  format?: string;
  out?: string;
  secret?: string[];
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** Parses `--format md,html` into formats; defaults to md on stdout, all four with --out. */
export function parseFormats(value: string | undefined, hasOut: boolean): ReportFormat[] {
  if (value === undefined) return hasOut ? ['md', 'html', 'json', 'junit'] : ['md'];
  const names = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = names.filter((n) => !isReportFormat(n));
  if (names.length === 0 || bad.length > 0) {
    throw new RedlineError(
      'E_USAGE_REPORT_FORMAT',
      `unknown report format: ${bad.join(', ') || '(empty)'}`,
      {
        exitCode: ExitCode.Usage,
        hint: 'use md, html, json or junit (comma-separated with --out)',
      },
    );
  }
  return [...new Set(names)] as ReportFormat[];
}

async function runReport(file: string, flags: ReportFlags): Promise<void> {
  const formats = parseFormats(flags.format, flags.out !== undefined);
  if (flags.out === undefined && formats.length > 1) {
    throw new RedlineError('E_USAGE_REPORT_FORMAT', 'several formats need --out <dir>', {
      exitCode: ExitCode.Usage,
      hint: 'print one format to stdout, or add --out <dir> to write each to a file',
    });
  }
  const model = createReportModel(await readResultFile(file), { secrets: flags.secret ?? [] });
  if (flags.out === undefined) {
    process.stdout.write(RENDERERS[formats[0]!].render(model));
    return;
  }
  const dir = flags.out;
  try {
    await mkdir(dir, { recursive: true });
    for (const format of formats) {
      const { render, fileName } = RENDERERS[format];
      const path = join(dir, fileName);
      await writeFile(path, render(model));
      process.stderr.write(`wrote ${path}\n`);
    }
  } catch (cause) {
    throw new RedlineError('E_REPORT_WRITE', `cannot write the report to ${dir}`, {
      cause,
      exitCode: ExitCode.CannotWrite,
      hint: 'check that the folder is writable',
    });
  }
}

/** Registers `redline report`. */
export function register(program: Command): void {
  program
    .command('report')
    .description('Render a saved run or audit result as Markdown, HTML, JSON or JUnit XML')
    .argument('<result>', 'a result file (redline run --json, or redline audit)')
    .option(
      '-f, --format <list>',
      'md, html, json or junit; comma-separated with --out (default: md, or all with --out)',
    )
    .option(
      '-o, --out <dir>',
      'write report.md, report.html, report.json, junit.xml into this folder',
    )
    .option(
      '--secret <value>',
      'a secret value to remove wherever it appears (repeatable)',
      collect,
    )
    .addHelpText(
      'after',
      `
Secrets (Authorization, cookies, passwords, tokens, API keys) are always redacted; --secret adds
exact values known from your flow. The HTML page is self-contained: no script, no network request.

Examples:
  redline report result.json                      Markdown to stdout
  redline report audit.json --out report/         all four formats
  redline report result.json -f junit -o ci/      JUnit XML for CI

Exit codes: 0 ok, 2 bad flags, 65 not a Redline result, 66 file missing, 73 cannot write.`,
    )
    .action(async (file: string, flags: ReportFlags) => {
      await runReport(file, flags);
    });
}
