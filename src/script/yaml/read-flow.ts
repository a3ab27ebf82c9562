/**
 * A flow (a list of steps): requests, `think`, `group` + `flow`, `loop` + `count`/`over`, `log`
 * and `set`. Each step keeps its file:line:column for generated code and runtime errors.
 */
import { describeInput, type InputPath, type InputReader } from '../../util/input-reader.js';
import { isRecord } from '../../util/is-record.js';
import type { Step, StepPosition } from './model.js';
import { METHOD_KEYS, readRequest } from './read-request.js';
import { toTValue } from './template.js';

/** What reading a flow needs: the value reader and step positions. */
export interface FlowContext {
  r: InputReader;
  position(path: InputPath): StepPosition;
}

const ACTIONS = [...Object.keys(METHOD_KEYS), 'think', 'group', 'loop', 'log', 'set'];
/** Keys that may sit next to an action key. */
const COMPANIONS: Record<string, string[]> = { group: ['flow'], loop: ['count', 'over'] };
/** Artillery features a YAML plan cannot express here, and what to do instead. */
const UNSUPPORTED: Record<string, string> = {
  function:
    'JavaScript hooks are not run from YAML plans; write the flow as a TypeScript script (docs/script-api.md)',
  emit: 'Socket.io steps are not supported',
  send: 'WebSocket steps are not supported in YAML plans',
  parallel: 'parallel requests are not supported in YAML plans; use http.batch() in a script',
};

function readThink(
  c: FlowContext,
  value: unknown,
  path: InputPath,
  pos: StepPosition,
): Step | undefined {
  if (isRecord(value)) {
    const range = c.r.object(value, path, ['min', 'max'], 'think');
    const min = c.r.duration(range?.['min'], [...path, 'min'], { bareUnit: 's' });
    const max = c.r.duration(range?.['max'], [...path, 'max'], { bareUnit: 's' });
    if (min === undefined || max === undefined) return undefined;
    if (max < min) c.r.problems.add(path, 'think max must not be less than min');
    return { kind: 'think', pos, minSeconds: min / 1000, maxSeconds: max / 1000 };
  }
  const ms = c.r.duration(value, path, { bareUnit: 's' });
  return ms === undefined
    ? undefined
    : { kind: 'think', pos, minSeconds: ms / 1000, maxSeconds: ms / 1000 };
}

function readLoop(
  c: FlowContext,
  object: Record<string, unknown>,
  path: InputPath,
  pos: StepPosition,
): Step | undefined {
  const steps = readFlow(c, object['loop'], [...path, 'loop']);
  if (object['count'] === undefined && object['over'] === undefined) {
    c.r.problems.add(path, 'a loop needs count (how many times) or over (a list to go through)');
    return undefined;
  }
  const step: Extract<Step, { kind: 'loop' }> = { kind: 'loop', pos, steps };
  if (object['count'] !== undefined) {
    const count = c.r.number(object['count'], [...path, 'count'], {
      min: 0,
      integer: true,
      fromText: true,
    });
    if (count === undefined) return undefined;
    step.count = count;
  }
  if (object['over'] !== undefined) {
    const over = object['over'];
    const asTemplate = typeof over === 'string' && !over.includes('{{') ? `{{ ${over} }}` : over;
    if (typeof over !== 'string' && !Array.isArray(over))
      c.r.problems.add(
        [...path, 'over'],
        `over must be a variable name or a list, got ${describeInput(over)}`,
      );
    else step.over = toTValue(asTemplate, [...path, 'over'], c.r.problems);
  }
  return step;
}

function readStep(c: FlowContext, item: unknown, path: InputPath): Step | undefined {
  const object = c.r.object(item, path);
  if (!object) return undefined;
  const keys = Object.keys(object);
  const action = keys.find((k) => ACTIONS.includes(k));
  for (const key of keys) {
    if (key === action || (action && COMPANIONS[action]?.includes(key))) continue;
    if (UNSUPPORTED[key])
      c.r.problems.add([...path, key], `"${key}" is not supported: ${UNSUPPORTED[key]}`, {
        atKey: true,
      });
    else if (action)
      c.r.problems.add(
        [...path, key],
        `unexpected key "${key}" next to "${action}" (one action per step)`,
        { atKey: true },
      );
    else c.r.problems.unknownKey([...path, key], 'step', ACTIONS);
  }
  if (!action) {
    if (keys.length === 0) c.r.problems.add(path, `a step must have one of ${ACTIONS.join(', ')}`);
    return undefined;
  }
  const pos = c.position(path);
  const value = object[action];
  const at = [...path, action];
  if (METHOD_KEYS[action]) return readRequest(c.r, METHOD_KEYS[action], value, at, pos);
  if (action === 'think') return readThink(c, value, at, pos);
  if (action === 'loop') return readLoop(c, object, path, pos);
  if (action === 'log') return { kind: 'log', pos, message: toTValue(value, at, c.r.problems) };
  if (action === 'set') {
    const entries = c.r.entries(value, at).map(([k, v]) => {
      if (!/^[A-Za-z_]\w*$/.test(k))
        c.r.problems.add([...at, k], `"${k}" is not a valid variable name`, { atKey: true });
      return [k, toTValue(v, [...at, k], c.r.problems)] as [string, ReturnType<typeof toTValue>];
    });
    return { kind: 'set', pos, entries };
  }
  const name = c.r.string(value, at, true);
  if (name?.includes('::')) c.r.problems.add(at, 'a group name must not contain "::"');
  if (object['flow'] === undefined)
    c.r.problems.add(path, 'a group needs a flow (the steps inside it)');
  const steps = readFlow(c, object['flow'], [...path, 'flow']);
  return name === undefined ? undefined : { kind: 'group', pos, name, steps };
}

/** Reads a list of steps (problems for every malformed step; the good ones are kept). */
export function readFlow(c: FlowContext, value: unknown, path: InputPath): Step[] {
  if (value === undefined) return [];
  const list = c.r.list(value, path);
  if (!list) return [];
  if (list.length === 0) c.r.problems.add(path, 'a flow needs at least one step');
  return list
    .map((item, i) => readStep(c, item, [...path, i]))
    .filter((s): s is Step => s !== undefined);
}
