/** `redline compare a.json b.json`: per metric, is the change significant? Exit 112 on a regression. */
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { compareRuns } from '../../compare/index.js';
import { ExitCode } from '../../errors/exit-codes.js';
import { RedlineError } from '../../errors/redline-error.js';
import { renderCompareMarkdown, renderCompareText } from '../../report/index.js';
import type { AuditStepKind } from '../../results/audit-result.js';
import { selectComparableRun } from '../../results/parse-result.js';
import { readResultFile } from '../../results/read-result.js';
import { redactDeep } from '../../util/redact.js';

interface CompareFlags {
  a?: string[];
  b?: string[];
  threshold: string;
  alpha: string;
  step: string;
  format: string;
  out?: string;
}

const STEPS: readonly AuditStepKind[] = ['baseline', 'load', 'peak', 'stress', 'spike', 'soak'];

function usage(message: string, hint: string): RedlineError {
  return new RedlineError('E_USAGE_COMPARE', message, { exitCode: ExitCode.Usage, hint });
}

/** Parses `5%`, `0.05` or `5` (a bare number above 1 means percent) into a fraction. */
export function parseThreshold(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(%?)\s*$/.exec(text);
  if (!m)
    throw usage(
      `invalid --threshold: ${JSON.stringify(text)}`,
      'use a percentage like 5% (or a fraction like 0.05)',
    );
  const n = Number(m[1]);
  const fraction = m[2] === '%' || n > 1 ? n / 100 : n;
  if (!(fraction >= 0 && fraction < 10))
    throw usage(`invalid --threshold: ${text}`, 'use a percentage like 5%');
  return fraction;
}

function sides(files: string[], flags: CompareFlags): [string[], string[]] {
  if (flags.a || flags.b) {
    if (!flags.a?.length || !flags.b?.length || files.length > 0) {
      throw usage(
        'give both --a and --b (and no positional files)',
        'redline compare --a a1.json a2.json --b b1.json b2.json',
      );
    }
    return [flags.a, flags.b];
  }
  if (files.length !== 2)
    throw usage(
      `expected two result files, got ${files.length}`,
      'redline compare baseline.json candidate.json',
    );
  return [[files[0]!], [files[1]!]];
}

async function runCompare(files: string[], flags: CompareFlags): Promise<void> {
  const [fa, fb] = sides(files, flags);
  const alpha = Number(flags.alpha);
  if (!(alpha > 0 && alpha < 1))
    throw usage(`invalid --alpha: ${flags.alpha}`, 'use a significance level like 0.05');
  if (!STEPS.includes(flags.step as AuditStepKind))
    throw usage(`invalid --step: ${flags.step}`, `use one of ${STEPS.join(', ')}`);
  if (!['text', 'md', 'json'].includes(flags.format))
    throw usage(`invalid --format: ${flags.format}`, 'use text, md or json');
  const load = async (list: string[]) =>
    Promise.all(
      list.map(async (f) =>
        redactDeep(selectComparableRun(await readResultFile(f), f, flags.step as AuditStepKind)),
      ),
    );
  const result = compareRuns(await load(fa), await load(fb), {
    threshold: parseThreshold(flags.threshold),
    alpha,
    names: { a: fa, b: fb },
  });
  const text =
    flags.format === 'json'
      ? `${JSON.stringify(result, null, 2)}\n`
      : flags.format === 'md'
        ? renderCompareMarkdown(result)
        : renderCompareText(result);
  if (flags.out) {
    try {
      await writeFile(flags.out, text);
    } catch (cause) {
      throw new RedlineError('E_COMPARE_WRITE', `cannot write ${flags.out}`, {
        cause,
        exitCode: ExitCode.CannotWrite,
      });
    }
    if (flags.format !== 'text') process.stdout.write(renderCompareText(result));
  } else {
    process.stdout.write(text);
  }
  if (result.regression) process.exitCode = ExitCode.Regression;
}

/** Registers `redline compare`. */
export function register(program: Command): void {
  program
    .command('compare')
    .description(
      'Compare two results (or two groups of repeated runs) metric by metric; exit 112 on a significant regression',
    )
    .argument('[files...]', 'baseline.json candidate.json (runs or audits)')
    .option('--a <files...>', 'baseline runs (repeated runs of the same plan)')
    .option('--b <files...>', 'candidate runs')
    .option('-t, --threshold <change>', 'minimum relative change that can count, e.g. 5%', '5%')
    .option('--alpha <p>', 'significance level of the Mann-Whitney U test', '0.05')
    .option('--step <kind>', 'for audit files: which step to compare', 'load')
    .option('-f, --format <format>', 'text, md or json', 'text')
    .option('-o, --out <file>', 'also write the comparison to this file')
    .addHelpText(
      'after',
      `
Compared in the runs' own measure (as the report): HTTP requests (p50-p99 of http_req_duration,
error rate, req/s), or for runs without HTTP the WebSocket echo round trips, gRPC calls,
WebSocket messages or iterations; both sides must measure the same thing (exit 2 otherwise).
A metric regresses when it is worse by at least the threshold (the error rate: by 0.1 percentage
point) AND, when there is enough data, the two-sided Mann-Whitney U test gives p < alpha:
on per-run values with 2+ runs per side, else on per-second values of each run's steady state.
See docs/report.md.

Exit codes: 0 no regression, 2 bad flags or A and B measure different things, 65 not a Redline result, 66 file missing, 112 regression.`,
    )
    .action(async (files: string[], flags: CompareFlags) => {
      await runCompare(files, flags);
    });
}
