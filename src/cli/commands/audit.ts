/** `redline audit [config]`: the performance engineer end to end (see docs/audit.md). */
import type { Command } from 'commander';
import {
  type AuditConfig,
  countProgressSteps,
  createProgress,
  findConfigFile,
  isStepName,
  loadAuditConfig,
  renderAuditSummary,
  runAudit,
  STEP_NAMES,
  type StepName,
  writeAuditPlan,
} from '../../audit/index.js';
import { ExitCode, exitCodeFor } from '../../errors/exit-codes.js';
import { RedlineError } from '../../errors/redline-error.js';
import { parseDurationMs } from '../../util/duration.js';
import { intFlag } from '../flags.js';
import { installInterruptHandler } from '../interrupt.js';

interface AuditFlags {
  planOnly?: boolean;
  baseline?: string;
  out?: string;
  pid?: number;
  skip?: string;
  only?: string;
  step?: string[];
  sizing?: string;
  secret?: string[];
  verifyIndex?: boolean;
  analyzeWrites: boolean;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** `a,b` → step names; unknown ones are a usage error. */
export function parseStepList(flag: string, value: string): StepName[] {
  const names = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = names.filter((n) => !isStepName(n));
  if (bad.length > 0) {
    throw new RedlineError('E_USAGE_STEP', `unknown step in ${flag}: ${bad.join(', ')}`, {
      exitCode: ExitCode.Usage,
      hint: `steps: ${STEP_NAMES.join(', ')}`,
    });
  }
  return names as StepName[];
}

/** Applies `--skip`, `--only` and `--step kind=duration` to the config. */
export function applyStepFlags(
  config: AuditConfig,
  flags: Pick<AuditFlags, 'skip' | 'only' | 'step'>,
): void {
  if (flags.only) {
    const keep = new Set(parseStepList('--only', flags.only));
    for (const name of STEP_NAMES) config.steps[name].enabled = keep.has(name);
  }
  for (const name of flags.skip ? parseStepList('--skip', flags.skip) : [])
    config.steps[name].enabled = false;
  for (const spec of flags.step ?? []) {
    const [name, duration] = spec.split('=');
    const ms = duration ? parseDurationMs(duration, 's') : undefined;
    if (!name || !isStepName(name) || name === 'db' || ms === undefined || ms <= 0) {
      throw new RedlineError('E_USAGE_STEP', `invalid --step ${spec}`, {
        exitCode: ExitCode.Usage,
        hint: 'use --step <step>=<duration>, e.g. --step soak=5m (stress: the length of each stress step)',
      });
    }
    if (name === 'stress') config.steps.stress.stepDurationMs = ms;
    else config.steps[name].durationMs = ms;
  }
}

async function loadConfig(file: string | undefined, flags: AuditFlags): Promise<AuditConfig> {
  const path = file ?? findConfigFile(process.cwd());
  if (!path) {
    throw new RedlineError(
      'E_AUDIT_CONFIG_MISSING',
      'no audit config: redline.config.{ts,js,yaml,yml,json} not found here',
      {
        exitCode: ExitCode.NoInput,
        hint: 'copy examples/redline.config.yaml, or try `redline demo` first',
      },
    );
  }
  const sizing =
    flags.sizing === undefined
      ? undefined
      : flags.sizing === 'compact' || flags.sizing === 'standard'
        ? flags.sizing
        : undefined;
  if (flags.sizing !== undefined && !sizing) {
    throw new RedlineError('E_USAGE_VALUE', `invalid value for --sizing: "${flags.sizing}"`, {
      exitCode: ExitCode.Usage,
      hint: 'use compact or standard',
    });
  }
  const config = await loadAuditConfig(path, sizing ? { sizing } : {});
  if (flags.out) config.outDir = flags.out;
  if (flags.pid !== undefined) config.target.pid = flags.pid;
  if (flags.verifyIndex && config.database) config.database.verifyIndex = true;
  if (flags.analyzeWrites === false && config.database) config.database.analyzeWrites = false;
  config.secrets.push(...(flags.secret ?? []));
  applyStepFlags(config, flags);
  return config;
}

async function runAuditCommand(file: string | undefined, flags: AuditFlags): Promise<void> {
  const config = await loadConfig(file, flags);
  if (flags.planOnly) {
    const plan = await writeAuditPlan(config);
    process.stdout.write(plan.text);
    process.stderr.write(`wrote ${plan.path}\n`);
    return;
  }
  await runAuditWithProgress(config, flags.baseline);
}

/**
 * Runs an audit as the CLI does (shared with `redline demo`): progress on stderr, the summary on
 * stdout, Ctrl-C ends it with what was measured so far and exit code 105.
 */
export async function runAuditWithProgress(
  config: AuditConfig,
  baselineFile: string | undefined,
): Promise<void> {
  const interrupt = installInterruptHandler();
  let written = false;
  interrupt.onForcedExit(() => {
    // The reports are assembled from every step at the end: a forced exit leaves no partial file.
    if (!written)
      process.stderr.write(
        `redline: forced exit before the audit's reports were written; nothing new is in ${config.outDir}\n`,
      );
  });
  try {
    const progress = createProgress(
      (line) => process.stderr.write(`${line}\n`),
      countProgressSteps(config),
    );
    const run = await runAudit({
      config,
      progress,
      signal: interrupt.signal,
      ...(baselineFile ? { baselineFile } : {}),
    });
    written = true;
    process.stdout.write(renderAuditSummary(run, config.secrets));
    if (run.interrupted) process.exitCode = exitCodeFor({ reason: 'interrupted' });
  } finally {
    interrupt.dispose();
  }
}

/** Registers `redline audit`. */
export function register(program: Command): void {
  program
    .command('audit')
    .description(
      'Baseline, load, peak, stress, spike, soak, profile and database analysis of a service, with the Performance Analysis Report',
    )
    .argument(
      '[config]',
      'redline.config.{ts,js,yaml,yml,json} (default: found in the current folder)',
    )
    .option('--plan-only', 'write the Load Test Plan from the config and stop')
    .option(
      '--baseline <result>',
      'a previous audit.json (or run result): fill "Improvements verified"',
    )
    .option('-o, --out <dir>', "output folder (default: the config's out, else ./redline-report)")
    .option(
      '--pid <pid>',
      'measure CPU and memory of this process (a target Redline did not start)',
      intFlag('--pid'),
    )
    .option('--skip <steps>', `steps to skip, comma-separated (${STEP_NAMES.join(', ')})`)
    .option('--only <steps>', 'run only these steps, comma-separated')
    .option(
      '--step <step=duration>',
      'length of a step, e.g. soak=5m (repeatable; stress: each step)',
      collect,
    )
    .option(
      '--sizing <size>',
      'default step lengths: standard (about 6 minutes) or compact (about 2)',
    )
    .option(
      '--verify-index',
      'measure suggested indexes on a database server too (takes a lock until rollback)',
    )
    .option(
      '--no-analyze-writes',
      'explain configured statements that write without running them (reads still run, READ ONLY)',
    )
    .option('--secret <value>', 'a secret value to remove from every output (repeatable)', collect)
    .addHelpText(
      'after',
      `
Outputs (in --out): audit.json, report.md, report.html, junit.xml, profile/ (cpuprofile, speedscope,
flame graph), soak/ (heap profile, signals), monitoring/ (Prometheus rules, promtool tests,
Grafana dashboard). Progress goes to stderr, the summary to stdout.

Exit codes: 0 done, 2 bad flags, 66 no config, 69 target unreachable, 73 cannot write,
104 invalid config, 105 interrupted (partial results written), 130 second Ctrl-C (nothing more
written). Every code: docs/exit-codes.md.`,
    )
    .action(async (file: string | undefined, flags: AuditFlags) => {
      await runAuditCommand(file, flags);
    });
}
