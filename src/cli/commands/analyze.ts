/** `redline analyze <file>`: reads any supported profile and prints its bottlenecks (or JSON). */

import { writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { ExitCode } from '../../errors/exit-codes.js';
import { RedlineError } from '../../errors/redline-error.js';
import {
  analyzeFile,
  loadProfileFile,
  renderAnalysisText,
  renderProfileViews,
} from '../../profiler/index.js';
import { intFlag } from '../flags.js';

interface AnalyzeFlags {
  top?: number;
  json?: boolean;
  baseline?: string;
  sourceMaps?: boolean;
  pathMap?: Array<[string, string]>;
  wasm?: string[];
  flamegraph?: string;
}

function parsePathMap(
  value: string,
  previous: Array<[string, string]> = [],
): Array<[string, string]> {
  const eq = value.indexOf('=');
  if (eq <= 0) {
    throw new RedlineError('E_USAGE_VALUE', `invalid value for --path-map: "${value}"`, {
      hint: 'use --path-map /recorded/prefix=/local/prefix',
      exitCode: ExitCode.Usage,
    });
  }
  return [...previous, [value.slice(0, eq), value.slice(eq + 1)]];
}

/** Registers `redline analyze`. */
export function register(program: Command): void {
  program
    .command('analyze')
    .description(
      'Analyse a profile (.cpuprofile, pprof, folded stacks, speedscope, .heapprofile, .heapsnapshot, .jfr, cProfile .prof): hot spots at file:line, root causes, fixes',
    )
    .argument('<file>', 'profile file (gzip allowed); format detected by name, then content')
    .option('--top <n>', 'rows per table (default 10)', intFlag('--top'))
    .option('--json', 'print the analysis (tables and findings) as JSON')
    .option(
      '--baseline <file>',
      'an earlier .heapsnapshot of the same process: report the growth since it',
    )
    .option('--no-source-maps', 'do not apply source maps or read sources from disk')
    .option(
      '--path-map <from=to>',
      'read sources recorded under <from> from <to> (repeatable), e.g. /srv/app=.',
      parsePathMap,
    )
    .option(
      '--wasm <file>',
      'a .wasm module whose name section names the wasm-function[N] frames (repeatable)',
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .option(
      '--flamegraph <file.html>',
      'also write the profile as a flame graph (self-contained HTML)',
    )
    .addHelpText(
      'after',
      `
Examples:
  redline analyze CPU.20240101.120000.1234.0.001.cpuprofile
  redline analyze cpu.pb.gz --top 20
  redline analyze perf.folded --json > analysis.json
  redline analyze after.heapsnapshot --baseline before.heapsnapshot
  redline analyze server.cpuprofile --path-map /srv/app=.
  redline analyze app.cpuprofile --wasm build/debug/app.wasm --flamegraph flame.html

Exit codes: 0 ok, 65 unknown or invalid format, 66 file not found.`,
    )
    .action(async (file: string, flags: AnalyzeFlags) => {
      const top = flags.top ?? 10;
      const analysis = await analyzeFile(file, {
        top: Math.max(top, 20),
        ...(flags.baseline ? { baseline: flags.baseline } : {}),
        ...(flags.sourceMaps === false ? { sourceMaps: false } : {}),
        ...(flags.pathMap ? { pathMap: flags.pathMap } : {}),
        ...(flags.wasm ? { wasm: flags.wasm } : {}),
      });
      if (flags.flamegraph) {
        const profile = await loadProfileFile(file, {
          ...(flags.baseline ? { baseline: flags.baseline } : {}),
          ...(flags.wasm ? { wasm: flags.wasm } : {}),
        });
        await writeFile(flags.flamegraph, renderProfileViews(profile, basename(file)).flamegraph);
      }
      if (flags.json) process.stdout.write(`${JSON.stringify(analysis, null, 2)}\n`);
      else process.stdout.write(`${renderAnalysisText(analysis, top)}\n`);
    });
}
