/**
 * Finds and loads `redline.config.{ts,mts,js,mjs,yaml,yml,json}`: YAML with line numbers in every
 * problem, TypeScript/JavaScript bundled with esbuild into a temp folder and imported.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LineCounter, parseDocument } from 'yaml';
import { ExitCode } from '../../errors/exit-codes.js';
import { RedlineError, type SourcePosition } from '../../errors/redline-error.js';
import { formatInputProblem, type InputPath, type InputProblem } from '../../util/input-reader.js';
import { yamlPositionOf } from '../../util/yaml-position.js';
import { parseAuditConfig } from './parse-config.js';
import type { AuditSizing } from './steps.js';
import type { AuditConfig } from './types.js';

/** File names looked for, in this order, when no config is named. */
export const CONFIG_FILE_NAMES = [
  'redline.config.ts',
  'redline.config.mts',
  'redline.config.js',
  'redline.config.mjs',
  'redline.config.yaml',
  'redline.config.yml',
  'redline.config.json',
] as const;

/** The first config file in `dir`, or undefined. */
export function findConfigFile(dir: string): string | undefined {
  for (const name of CONFIG_FILE_NAMES) {
    const path = join(dir, name);
    if (existsSync(path)) return path;
  }
  return undefined;
}

type Locate = (path: InputPath, atKey?: boolean) => SourcePosition;

function configError(file: string, problems: InputProblem[], locate: Locate): RedlineError {
  const lines = problems.map((p) => {
    const pos = locate(p.path, p.atKey);
    const where = pos.line !== undefined ? `${pos.file}:${pos.line}:${pos.column ?? 1}` : pos.file;
    return formatInputProblem(p, where);
  });
  const first = problems[0] ? locate(problems[0].path, problems[0].atKey) : { file };
  return new RedlineError(
    'E_AUDIT_CONFIG',
    `the audit config has ${problems.length} problem${problems.length === 1 ? '' : 's'}`,
    {
      exitCode: ExitCode.InvalidConfig,
      problems: lines,
      position: first,
      hint: 'see docs/audit.md for every key',
    },
  );
}

async function loadYaml(file: string, text: string): Promise<{ raw: unknown; locate: Locate }> {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false });
  const error = doc.errors[0];
  if (error) {
    const pos = counter.linePos(error.pos[0]);
    throw new RedlineError(
      'E_AUDIT_CONFIG_SYNTAX',
      `the audit config is not valid YAML: ${error.message.split('\n')[0]}`,
      {
        exitCode: ExitCode.InvalidConfig,
        position: { file, line: pos.line, column: pos.col },
      },
    );
  }
  const positionOf = yamlPositionOf(doc, counter);
  const locate: Locate = (path, atKey) => {
    const at = positionOf(path, atKey);
    return at ? { file, line: at.line, column: at.column } : { file };
  };
  return { raw: doc.toJS(), locate };
}

async function loadModule(file: string): Promise<unknown> {
  const esbuild = await import('esbuild');
  let code: string;
  try {
    const out = await esbuild.build({
      entryPoints: [file],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      write: false,
      logLevel: 'silent',
    });
    code = out.outputFiles[0]?.text ?? '';
  } catch (cause) {
    const first = (
      cause as { errors?: Array<{ text: string; location?: { line: number; column: number } }> }
    ).errors?.[0];
    throw new RedlineError(
      'E_AUDIT_CONFIG_SYNTAX',
      `the audit config does not compile: ${first?.text ?? String(cause)}`,
      {
        exitCode: ExitCode.InvalidConfig,
        cause,
        position: {
          file,
          ...(first?.location
            ? { line: first.location.line, column: first.location.column + 1 }
            : {}),
        },
      },
    );
  }
  const dir = await mkdtemp(join(tmpdir(), 'redline-config-'));
  try {
    const bundled = join(dir, 'config.mjs');
    await writeFile(bundled, code);
    const mod = (await import(pathToFileURL(bundled).href)) as Record<string, unknown>;
    const value = mod['default'] ?? mod['config'];
    return typeof value === 'function' ? await (value as () => unknown)() : value;
  } catch (cause) {
    throw new RedlineError(
      'E_AUDIT_CONFIG_SYNTAX',
      `the audit config threw while loading: ${(cause as Error).message}`,
      {
        exitCode: ExitCode.InvalidConfig,
        cause,
        position: { file },
      },
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function readRaw(file: string): Promise<{ raw: unknown; locate: Locate }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw new RedlineError('E_AUDIT_CONFIG_MISSING', `cannot read the audit config ${file}`, {
      exitCode: ExitCode.NoInput,
      cause,
      hint: 'create redline.config.yaml (see examples/redline.config.yaml) or pass its path',
    });
  }
  if (/\.ya?ml$/i.test(file) || /\.json$/i.test(file)) return loadYaml(file, text);
  return { raw: await loadModule(file), locate: () => ({ file }) };
}

/** Loads, validates and returns the config; throws E_AUDIT_CONFIG (exit 104) listing every problem. */
export async function loadAuditConfig(
  path: string,
  options: { sizing?: AuditSizing } = {},
): Promise<AuditConfig> {
  const file = resolve(path);
  const { raw, locate } = await readRaw(file);
  const parsed = parseAuditConfig(raw, {
    baseDir: dirname(file),
    source: file,
    ...(options.sizing ? { sizing: options.sizing } : {}),
  });
  if (!parsed.config) throw configError(file, parsed.problems, locate);
  return parsed.config;
}
