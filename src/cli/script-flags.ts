/** Flags of scripted runs (k6's names where k6 has one) and their mapping to config overrides. */
import type { Command } from 'commander';
import type { CliOverrides } from '../config/cli-overrides.js';
import type { PresetKind, PresetOptions } from '../config/presets/preset.js';
import {
  parseMirrors,
  type RemoteModuleOptions,
  remoteModuleOptionsFromEnv,
} from '../script/loader/index.js';
import { intFlag } from './flags.js';

function collectText(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** Adds the scripted-run flags to `command`. */
export function addScriptFlags(command: Command): Command {
  return command
    .option('-u, --vus <n>', 'script: number of VUs (overrides options.vus)', intFlag('--vus'))
    .option(
      '-i, --iterations <n>',
      'script: total iterations (overrides options.iterations)',
      intFlag('--iterations'),
    )
    .option(
      '-s, --stage <duration:target>',
      'script: a ramping stage, e.g. 30s:10 (repeatable)',
      collectText,
    )
    .option('-e, --env <K=V>', 'script: a variable in __ENV (repeatable)', collectText)
    .option(
      '--host <from=to>',
      'send requests for a host elsewhere (repeatable): api.example.com=127.0.0.1:3000 sends its http and https requests there as plain http; write https://address to keep TLS',
      collectText,
    )
    .option(
      '--preset <kind>',
      'test type from base load X (--vus X or --rate X): load, peak, stress, spike, soak, volume',
    )
    .option(
      '--multiplier <n>',
      'preset: spike multiplier (default 5) or peak factor (default 3)',
      Number,
    )
    .option('--steps <n>', 'preset stress: number of steps', intFlag('--steps'))
    .option('--step-duration <duration>', 'preset stress: length of each step')
    .option(
      '--body-size <bytes>',
      'preset volume: request body size in bytes (exposed to the script as __ENV.PAYLOAD_BYTES)',
      intFlag('--body-size'),
    )
    .option('--summary-export <file>', 'write the end-of-test summary as JSON in k6 format')
    .option('--summary-trend-stats <list>', 'trend statistics in the summary, e.g. avg,p(95),p(99)')
    .option('--insecure-skip-tls-verify', 'script: skip TLS certificate verification')
    .option('--no-connection-reuse', 'script: open a new connection for every request')
    .option('--user-agent <ua>', 'script: User-Agent header')
    .option(
      '--execution-segment <segment>',
      'script: run only this part of the test, k6 syntax (1/4:2/4, 0:1/3, 25%:50%)',
    )
    .option(
      '--execution-segment-sequence <points>',
      'script: the parts all instances use (0,1/4,2/4,3/4,1); the segment must be one of them',
    )
    .option('--discard-response-bodies', 'script: do not keep response bodies')
    .option('--fail-on-check', 'exit 110 when any check failed')
    .option('--http-timeout <duration>', 'script: default request timeout (k6: 60s)')
    .option(
      '--no-remote-modules',
      'script: never fetch https:// imports from the network (mirrors, the module cache and native jslib modules still serve)',
    )
    .option(
      '--module-mirror <prefix=target>',
      'script: read remote modules under a URL prefix from a folder or another base URL (repeatable; also REDLINE_MODULE_MIRROR)',
      collectText,
    )
    .option('--no-setup', 'skip setup()')
    .option('--no-teardown', 'skip teardown()');
}

/** The parsed values of {@link addScriptFlags} (plus the shared duration/rate/tag flags). */
export interface ScriptFlagValues {
  vus?: number;
  iterations?: number;
  stage?: string[];
  env?: string[];
  host?: string[];
  preset?: string;
  multiplier?: number;
  steps?: number;
  stepDuration?: string;
  bodySize?: number;
  summaryExport?: string;
  summaryTrendStats?: string;
  insecureSkipTlsVerify?: boolean;
  connectionReuse?: boolean;
  userAgent?: string;
  executionSegment?: string;
  executionSegmentSequence?: string;
  discardResponseBodies?: boolean;
  failOnCheck?: boolean;
  httpTimeout?: string;
  setup?: boolean;
  teardown?: boolean;
  remoteModules?: boolean;
  moduleMirror?: string[];
  duration?: number;
  rate?: number;
  tag?: Array<[string, string]>;
}

/** Maps scripted-run flags to config overrides (validation happens in buildPlan). */
export function cliOverridesFromFlags(flags: ScriptFlagValues): CliOverrides {
  const cli: CliOverrides = {};
  if (flags.vus !== undefined) cli.vus = flags.vus;
  if (flags.duration !== undefined) cli.duration = flags.duration;
  if (flags.iterations !== undefined) cli.iterations = flags.iterations;
  if (flags.stage) cli.stages = flags.stage;
  if (flags.env) cli.env = flags.env;
  if (flags.tag) cli.tags = Object.fromEntries(flags.tag);
  if (flags.host) cli.hosts = flags.host;
  if (flags.summaryTrendStats) cli.summaryTrendStats = flags.summaryTrendStats;
  if (flags.insecureSkipTlsVerify) cli.insecureSkipTLSVerify = true;
  if (flags.connectionReuse === false) cli.noConnectionReuse = true;
  if (flags.userAgent !== undefined) cli.userAgent = flags.userAgent;
  if (flags.executionSegment !== undefined) cli.executionSegment = flags.executionSegment;
  if (flags.executionSegmentSequence !== undefined)
    cli.executionSegmentSequence = flags.executionSegmentSequence;
  if (flags.discardResponseBodies) cli.discardResponseBodies = true;
  if (flags.failOnCheck) cli.failOnCheck = true;
  if (flags.httpTimeout) cli.httpTimeout = flags.httpTimeout;
  if (flags.setup === false) cli.noSetup = true;
  if (flags.teardown === false) cli.noTeardown = true;
  if (flags.preset) {
    cli.preset = flags.preset as PresetKind;
    if (flags.rate !== undefined) cli.rate = flags.rate;
    const preset: PresetOptions = {};
    if (flags.multiplier !== undefined) preset.multiplier = flags.multiplier;
    if (flags.steps !== undefined) preset.steps = flags.steps;
    if (flags.stepDuration !== undefined) preset.stepDuration = flags.stepDuration;
    if (flags.bodySize !== undefined) preset.payloadBytes = flags.bodySize;
    cli.presetOptions = preset;
  }
  return cli;
}

/** Remote-module options from the environment, then the flags (`--no-remote-modules`, `--module-mirror`). */
export function remoteModulesFromFlags(
  flags: ScriptFlagValues,
  env: NodeJS.ProcessEnv = process.env,
): RemoteModuleOptions {
  const options = remoteModuleOptionsFromEnv(env);
  if (flags.remoteModules === false) options.fetch = false;
  if (flags.moduleMirror?.length) {
    // Flags first: the first matching prefix serves.
    options.mirrors = [
      ...parseMirrors(flags.moduleMirror, '--module-mirror'),
      ...(options.mirrors ?? []),
    ];
  }
  return options;
}
