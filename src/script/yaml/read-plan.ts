/**
 * Reads a parsed plan document into a {@link YamlPlan}: settings at the top level or under
 * Artillery's `config:`, the flows (`flow`, weighted `scenarios` list, or k6-style `scenarios`
 * map with executors), `before`/`after`, data and defaults. Problems are collected, never thrown.
 */
import { type InputPath, type InputProblems, InputReader } from '../../util/input-reader.js';
import { isRecord } from '../../util/is-record.js';
import { checkVariables } from './check-variables.js';
import type { FlowSpec, Step, StepPosition, YamlPlan } from './model.js';
import { OriginMap } from './origins.js';
import { displayFile } from './plan-problems.js';
import { readPayloads, readVariables } from './read-data.js';
import { type FlowContext, readFlow } from './read-flow.js';
import {
  type ConfigAccess,
  readExecution,
  readSettings,
  readThresholdOptions,
} from './read-load.js';
import { parseTemplate, toTValue } from './template.js';
import type { YamlSource } from './yaml-source.js';

/** Settings allowed at the top level or under `config:`. */
export const CONFIG_KEYS = [
  'target',
  'phases',
  'stages',
  'vus',
  'duration',
  'iterations',
  'thresholds',
  'ensure',
  'variables',
  'payload',
  'defaults',
  'http',
  'tls',
  'plugins',
  'options',
];
const ROOT_KEYS = [
  'config',
  'name',
  'description',
  'flow',
  'scenarios',
  'before',
  'after',
  ...CONFIG_KEYS,
];
const SCENARIO_ITEM_KEYS = ['name', 'weight', 'flow', 'engine'];
const UNSUPPORTED: Record<string, string> = {
  processor:
    'JavaScript processors are not loaded by YAML plans; write a TypeScript script instead (docs/script-api.md)',
  environments: 'use {{ $env.NAME }} templates and --env NAME=value instead',
  engines: 'only HTTP is supported in YAML plans',
  ws: 'WebSocket settings are not supported in YAML plans',
  socketio: 'Socket.io is not supported',
};

/** A plan read from its document, with the origins of its options. */
export interface ReadPlanResult {
  plan: YamlPlan;
  origins: OriginMap;
}

function configAccess(r: InputReader, root: Record<string, unknown>): ConfigAccess {
  const config = root['config'] === undefined ? {} : (r.object(root['config'], ['config']) ?? {});
  for (const key of Object.keys(config)) {
    if (UNSUPPORTED[key])
      r.problems.add(['config', key], `"${key}" is not supported: ${UNSUPPORTED[key]}`, {
        atKey: true,
      });
    else if (!CONFIG_KEYS.includes(key))
      r.problems.unknownKey(['config', key], 'key', CONFIG_KEYS, 'config');
    else if (root[key] !== undefined)
      r.problems.add([key], `"${key}" is set both here and under config`, { atKey: true });
  }
  return {
    get: (key) => (config[key] !== undefined ? config[key] : root[key]),
    path: (key) => (config[key] !== undefined ? ['config', key] : [key]),
  };
}

function readBlock(c: FlowContext, value: unknown, path: InputPath): Step[] | undefined {
  if (value === undefined) return undefined;
  if (isRecord(value)) {
    c.r.object(value, path, ['flow'], path[0] === 'before' ? 'before' : 'after');
    return readFlow(c, value['flow'], [...path, 'flow']);
  }
  return readFlow(c, value, path);
}

function readScenarioList(c: FlowContext, list: unknown[]): FlowSpec[] {
  return list.flatMap((item, i): FlowSpec[] => {
    const at = ['scenarios', i];
    const object = c.r.object(item, at, SCENARIO_ITEM_KEYS, 'a scenario');
    if (!object) return [];
    if (object['engine'] !== undefined && object['engine'] !== 'http')
      c.r.problems.add(
        [...at, 'engine'],
        `only the http engine is supported, got "${String(object['engine'])}"`,
      );
    const name =
      object['name'] === undefined
        ? `scenario ${i + 1}`
        : (c.r.string(object['name'], [...at, 'name'], true) ?? '');
    const weight =
      object['weight'] === undefined
        ? 1
        : (c.r.number(object['weight'], [...at, 'weight'], { min: 0, fromText: true }) ?? 1);
    if (object['flow'] === undefined) c.r.problems.add(at, 'a scenario needs a flow');
    return [{ name, weight, steps: readFlow(c, object['flow'], [...at, 'flow']) }];
  });
}

/** k6-style `scenarios: { name: { executor, ..., flow? } }`: executors into options, own flows into exports. */
function readScenarioMap(
  c: FlowContext,
  map: Record<string, unknown>,
  plan: YamlPlan,
  origins: OriginMap,
): string[] {
  const scenarios: Record<string, unknown> = {};
  const withoutFlow: string[] = [];
  Object.entries(map).forEach(([name, raw], i) => {
    const at = ['scenarios', name];
    const object = c.r.object(raw, at);
    if (!object) return;
    const { flow, ...executor } = object;
    if (flow !== undefined) {
      const exec = `flow_${i + 1}`;
      plan.scenarioFlows.push({
        exec,
        flow: { name, weight: 1, steps: readFlow(c, flow, [...at, 'flow']) },
      });
      executor['exec'] = exec;
    } else if (executor['exec'] !== undefined)
      c.r.problems.add(
        [...at, 'exec'],
        'exec names a script function; in a plan, give the scenario its own flow',
        { atKey: true },
      );
    else withoutFlow.push(name);
    scenarios[name] = executor;
    origins.set(`options.scenarios.${name}`, at);
  });
  plan.options['scenarios'] = scenarios;
  return withoutFlow;
}

function readFlows(
  c: FlowContext,
  root: Record<string, unknown>,
  plan: YamlPlan,
  origins: OriginMap,
  cfg: ConfigAccess,
): void {
  const scenarios = root['scenarios'];
  if (root['flow'] !== undefined)
    plan.flows.push({ name: 'default', weight: 1, steps: readFlow(c, root['flow'], ['flow']) });
  if (Array.isArray(scenarios)) {
    if (root['flow'] !== undefined)
      c.r.problems.add(
        ['scenarios'],
        'use flow (one flow) or scenarios (weighted flows), not both',
        { atKey: true },
      );
    else plan.flows.push(...readScenarioList(c, scenarios));
  } else if (scenarios !== undefined) {
    const map = c.r.object(scenarios, ['scenarios']);
    if (map && cfg.get('phases') !== undefined)
      c.r.problems.add(
        ['scenarios'],
        'k6 scenarios (with executors) and phases both describe the load; use one',
        { atKey: true },
      );
    const withoutFlow = map ? readScenarioMap(c, map, plan, origins) : [];
    if (root['flow'] === undefined)
      for (const name of withoutFlow)
        c.r.problems.add(
          ['scenarios', name],
          'this scenario has no flow, and the plan has no top-level flow for it to run',
        );
  }
  if (plan.flows.length === 0 && plan.scenarioFlows.length === 0 && c.r.problems.count === 0)
    c.r.problems.add([], 'the plan has no flow: add flow (a list of steps) or scenarios');
  if (plan.flows.length === 0) plan.flows.push(...plan.scenarioFlows.map((s) => s.flow));
  if (plan.flows.length > 0 && plan.flows.every((f) => f.weight === 0))
    c.r.problems.add(['scenarios'], 'at least one scenario needs a weight above 0');
}

/** Reads the plan; every problem goes into `problems`. */
export function readPlan(source: YamlSource, problems: InputProblems): ReadPlanResult {
  const r = new InputReader(problems);
  const origins = new OriginMap();
  const plan: YamlPlan = {
    file: source.file,
    options: {},
    defaultHeaders: [],
    variables: [],
    payloads: [],
    flows: [],
    scenarioFlows: [],
  };
  const root = r.object(source.value ?? {}, []);
  if (!root) return { plan, origins };
  for (const key of Object.keys(root)) {
    if (UNSUPPORTED[key])
      problems.add([key], `"${key}" is not supported: ${UNSUPPORTED[key]}`, { atKey: true });
    else if (!ROOT_KEYS.includes(key)) problems.unknownKey([key], 'top-level key', ROOT_KEYS);
  }
  const cfg = configAccess(r, root);
  const file = displayFile(source.file);
  const c: FlowContext = {
    r,
    position: (path): StepPosition => {
      const at = source.positionOf(path) ?? { line: 1, column: 1 };
      return { ...at, text: `${file}:${at.line}:${at.column}` };
    },
  };
  const target = cfg.get('target');
  if (target !== undefined) {
    const text = r.string(target, cfg.path('target'), true);
    if (text) plan.target = parseTemplate(text.replace(/\/+$/, ''), cfg.path('target'), problems);
  }
  const defaults =
    cfg.get('defaults') === undefined
      ? undefined
      : r.object(cfg.get('defaults'), cfg.path('defaults'), ['headers'], 'defaults');
  if (defaults?.['headers'] !== undefined) {
    const at = [...cfg.path('defaults'), 'headers'];
    plan.defaultHeaders = r
      .entries(defaults['headers'], at)
      .map(([k, v]) => [k, toTValue(v, [...at, k], problems)]);
  }
  plan.variables = readVariables(r, cfg.get('variables'), cfg.path('variables'));
  plan.payloads = readPayloads(r, cfg.get('payload'), cfg.path('payload'), source.file);
  readExecution(r, cfg, plan.options, origins);
  readThresholdOptions(r, cfg, plan.options, origins);
  readSettings(r, cfg, plan.options, origins);
  readFlows(c, root, plan, origins, cfg);
  const before = readBlock(c, root['before'], ['before']);
  const after = readBlock(c, root['after'], ['after']);
  if (before) plan.before = before;
  if (after) plan.after = after;
  checkVariables(plan, problems);
  return { plan, origins };
}
