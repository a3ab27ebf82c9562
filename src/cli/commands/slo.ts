/** `redline slo generate slo.yaml`: SLOs as code -> Prometheus rules, their promtool tests and a Grafana dashboard. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { ExitCode } from '../../errors/exit-codes.js';
import { RedlineError } from '../../errors/redline-error.js';
import {
  generateSloArtifacts,
  parseSloSpec,
  verifySloArtifacts,
  writeSloArtifacts,
} from '../../slo/index.js';

interface GenerateFlags {
  outDir: string;
  name?: string;
  check: boolean;
}

function readSpecFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new RedlineError(
      'E_SLO_READ',
      `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      {
        hint: 'give the path of an SLO file (see docs/monitoring.md)',
        exitCode: ExitCode.NoInput,
        cause: error,
      },
    );
  }
}

function generate(file: string, flags: GenerateFlags): void {
  const spec = parseSloSpec(readSpecFile(file), file);
  const artifacts = generateSloArtifacts(spec, flags.name, file);
  const dir = resolve(flags.outDir);
  const written = writeSloArtifacts(artifacts, dir);
  const out = process.stdout;
  out.write(
    `${spec.slos.length} SLO(s) of ${spec.service}: ${artifacts.recordingRules} recording and ${artifacts.alertingRules} alerting rules\n`,
  );
  for (const path of written) out.write(`  wrote ${path}\n`);
  for (const note of artifacts.untested) out.write(`  not tested: ${note}\n`);
  if (!flags.check) {
    out.write(
      `check them with: promtool check rules ${artifacts.rulesFile} && promtool test rules ${artifacts.testsFile} (or add --check)\n`,
    );
    return;
  }
  const v = verifySloArtifacts(artifacts, dir);
  out.write(
    `promtool check rules: ${v.check.ok ? 'ok' : 'FAILED'}\npromtool test rules: ${v.test.ok ? 'ok' : 'FAILED'}\n`,
  );
  out.write(
    `dashboard PromQL: ${v.dashboard.length === 0 ? 'ok' : `${v.dashboard.length} expression(s) FAILED`}\n`,
  );
  if (!v.ok) {
    const problems = [
      ...(v.check.ok ? [] : [v.check.output]),
      ...(v.test.ok ? [] : [v.test.output]),
      ...v.dashboard.map((d) => `${d.expr}: ${d.output}`),
    ];
    throw new RedlineError('E_SLO_CHECK', 'the generated SLO files did not pass promtool', {
      problems,
      hint: 'this is a bug in the generator unless you edited the files; please report it with your SLO file',
      exitCode: ExitCode.Internal,
    });
  }
}

/** Registers `redline slo`. */
export function register(program: Command): void {
  const slo = program
    .command('slo')
    .description('SLOs as code: Prometheus burn-rate rules, their tests and a Grafana dashboard');
  slo
    .command('generate <file>')
    .description(
      'turn an SLO file (slos: or criteria:) into <service>.rules.yml, <service>.rules.test.yml and <service>.dashboard.json',
    )
    .option('-o, --out-dir <dir>', 'folder for the generated files', '.')
    .option('--name <base>', 'base name of the generated files (default: the service)')
    .option(
      '--check',
      'run promtool check rules, promtool test rules and parse the dashboard queries',
      false,
    )
    .action((file: string, flags: GenerateFlags) => generate(file, flags));
}
