/**
 * The user flow of the config: inline YAML-plan steps (docs/yaml-plans.md), a list of URLs, or a
 * script (k6, native TypeScript, or a YAML plan). Also: short labels for the report and the
 * secret values the flow carries (passwords, tokens), so outputs can remove them.
 */
import { existsSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { InputReader } from '../../util/input-reader.js';
import { isRecord } from '../../util/is-record.js';
import { isSensitiveKey } from '../../util/redact.js';
import type { AuditFlowConfig } from './types.js';

const METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options'];

/** Reads `flow:`; `baseDir` resolves a script path. */
export function readFlow(
  r: InputReader,
  raw: unknown,
  baseDir: string,
): AuditFlowConfig | undefined {
  if (raw === undefined) {
    r.add(['flow'], 'is required: steps (a YAML plan flow), urls, or script');
    return undefined;
  }
  if (typeof raw === 'string') return readScript(r, raw, baseDir, ['flow']);
  if (Array.isArray(raw)) return checkSteps(r, raw, ['flow']);
  const flow = r.object(
    raw,
    ['flow'],
    ['steps', 'urls', 'script', 'variables', 'payload', 'headers'],
  );
  if (!flow) return undefined;
  const kinds = ['steps', 'urls', 'script'].filter((k) => flow[k] !== undefined);
  if (kinds.length !== 1) {
    r.add(
      ['flow'],
      `needs exactly one of steps, urls or script (got ${kinds.join(', ') || 'none'})`,
    );
    return undefined;
  }
  const headers =
    flow['headers'] === undefined
      ? undefined
      : r.stringMap(flow['headers'], ['flow', 'headers'], true);
  if (flow['script'] !== undefined) {
    const script = r.string(flow['script'], ['flow', 'script']);
    return script === undefined ? undefined : readScript(r, script, baseDir, ['flow', 'script']);
  }
  if (flow['urls'] !== undefined) {
    const urls = r.stringList(flow['urls'], ['flow', 'urls'], true);
    if (!urls) return undefined;
    for (const [i, u] of urls.entries()) {
      if (!/^(?:[A-Z]+\s+)?(?:\/|https?:\/\/)\S*$/.test(u.trim()))
        r.add(
          ['flow', 'urls', i],
          'must be a path or URL, optionally after a method: "GET /items?limit=20"',
        );
    }
    return { kind: 'urls', urls, ...(headers ? { headers } : {}) };
  }
  const steps = checkSteps(r, flow['steps'], ['flow', 'steps']);
  if (!steps) return undefined;
  if (flow['variables'] !== undefined) {
    if (isRecord(flow['variables'])) steps.variables = flow['variables'];
    else r.add(['flow', 'variables'], 'must be a map of name: value');
  }
  if (flow['payload'] !== undefined) {
    const payload = readPayload(r, flow['payload'], baseDir);
    if (payload) steps.payload = payload;
  }
  if (headers) steps.headers = headers;
  return steps;
}

/**
 * `flow.payload`: one data file or a list, as a YAML plan's `payload` takes it; each `path` is
 * resolved against the config's folder (the plan is written elsewhere) and must exist. The rest is
 * checked, with the file's rows, when the plan is compiled.
 */
function readPayload(
  r: InputReader,
  raw: unknown,
  baseDir: string,
): Array<Record<string, unknown>> | undefined {
  const list = Array.isArray(raw) ? raw : [raw];
  const out: Array<Record<string, unknown>> = [];
  for (const [i, item] of list.entries()) {
    const at = Array.isArray(raw) ? ['flow', 'payload', i] : ['flow', 'payload'];
    if (!isRecord(item) || typeof item['path'] !== 'string') {
      r.add(at, 'must be a data file such as { path: data/users.csv, order: sequence }');
      continue;
    }
    const path = resolve(baseDir, item['path']);
    if (!existsSync(path)) {
      r.add([...at, 'path'], `${item['path']} does not exist (resolved to ${path})`);
      continue;
    }
    out.push({ ...item, path });
  }
  return out.length === list.length ? out : undefined;
}

function readScript(
  r: InputReader,
  path: string,
  baseDir: string,
  at: Array<string | number>,
): AuditFlowConfig | undefined {
  const script = resolve(baseDir, path);
  if (!existsSync(script)) {
    r.add(at, `script ${path} does not exist (resolved to ${script})`);
    return undefined;
  }
  return { kind: 'script', script };
}

function checkSteps(
  r: InputReader,
  raw: unknown,
  path: Array<string | number>,
): Extract<AuditFlowConfig, { kind: 'steps' }> | undefined {
  if (!Array.isArray(raw) || raw.length === 0) {
    r.add(path, 'must be a non-empty list of steps such as - get: /items');
    return undefined;
  }
  for (const [i, step] of raw.entries()) {
    if (!isRecord(step)) r.add([...path, i], 'must be a step map such as { get: /items }');
  }
  return { kind: 'steps', steps: raw };
}

function stepLabel(step: unknown): string[] {
  if (!isRecord(step)) return [];
  for (const method of METHODS) {
    const spec = step[method];
    if (spec === undefined) continue;
    const url = typeof spec === 'string' ? spec : isRecord(spec) ? String(spec['url'] ?? '') : '';
    return [`${method.toUpperCase()} ${url}`];
  }
  if (step['think'] !== undefined) {
    const t = step['think'];
    return [
      `think ${typeof t === 'number' ? `${t}s` : isRecord(t) ? `${t['min']}-${t['max']}s` : String(t)}`,
    ];
  }
  const inner = Array.isArray(step['flow']) ? step['flow'].flatMap(stepLabel) : [];
  if (step['group'] !== undefined)
    return inner.length > 0 ? inner : [`group ${String(step['group'])}`];
  if (step['loop'] !== undefined) {
    const body = Array.isArray(step['loop']) ? step['loop'].flatMap(stepLabel) : [];
    return body.map((l) => `${l} (loop)`);
  }
  return [];
}

/** Short labels of the flow for the report, e.g. ['POST /auth/login', 'GET /users/me', 'think 1s']. */
export function createFlowLabels(flow: AuditFlowConfig): string[] {
  if (flow.kind === 'script') return [`script ${basename(flow.script)}`];
  if (flow.kind === 'urls') return flow.urls.map((u) => (/^[A-Z]+\s/.test(u) ? u : `GET ${u}`));
  return flow.steps.flatMap(stepLabel);
}

/** Values under sensitive keys (password, token, Authorization, ...) anywhere in `value`. */
export function collectSecrets(value: unknown, out: Set<string> = new Set()): Set<string> {
  if (Array.isArray(value)) for (const v of value) collectSecrets(v, out);
  else if (isRecord(value)) {
    for (const [key, v] of Object.entries(value)) {
      if (isSensitiveKey(key) && (typeof v === 'string' || typeof v === 'number')) {
        const text = String(v);
        // Templates ("Bearer {{ token }}") are not secrets themselves; short values would over-redact.
        if (!text.includes('{{') && text.length >= 4) out.add(text);
      } else collectSecrets(v, out);
    }
  }
  return out;
}
