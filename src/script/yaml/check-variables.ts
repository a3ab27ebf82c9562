/**
 * Cross-checks of a read plan: every `{{ variable }}` names a variable the plan defines (variables,
 * payload fields, captures, set), loop values are used inside loops only, and relative URLs have
 * a `target`. Misspelled names get the nearest defined one.
 */
import type { InputProblems } from '../../util/input-reader.js';
import { findNearest } from '../../util/nearest.js';
import type { RequestStep, Step, Template, TValue, YamlPlan } from './model.js';
import { templatesOf } from './template.js';

function stepsOf(plan: YamlPlan): Step[][] {
  return [
    ...plan.flows.map((f) => f.steps),
    ...plan.scenarioFlows.map((s) => s.flow.steps),
    plan.before ?? [],
    plan.after ?? [],
  ];
}

function walk(steps: Step[], visit: (step: Step, inLoop: boolean) => void, inLoop = false): void {
  for (const step of steps) {
    visit(step, inLoop);
    if (step.kind === 'group') walk(step.steps, visit, inLoop);
    if (step.kind === 'loop') walk(step.steps, visit, true);
  }
}

function requestTemplates(step: RequestStep): Template[] {
  const values: Array<TValue | undefined> = [
    ...step.headers.map(([, v]) => v),
    ...step.query.map(([, v]) => v),
    ...step.cookies.map(([, v]) => v),
    step.basicAuth?.user,
    step.basicAuth?.pass,
    step.body?.kind === 'form' ? undefined : step.body?.value,
    ...(step.body?.kind === 'form' ? step.body.entries.map(([, v]) => v) : []),
    ...step.captures.map((c) => c.fallback),
    ...step.checks.flatMap((c) =>
      c.kind === 'json'
        ? [c.expected]
        : c.kind === 'bodyContains'
          ? [c.text]
          : c.kind === 'header'
            ? [c.contains, c.equals]
            : c.kind === 'equals'
              ? c.values
              : [],
    ),
  ];
  return [step.url, ...values.flatMap(templatesOf)];
}

function templatesOfStep(step: Step): Template[] {
  if (step.kind === 'request') return requestTemplates(step);
  if (step.kind === 'log') return templatesOf(step.message);
  if (step.kind === 'set') return step.entries.flatMap(([, v]) => templatesOf(v));
  if (step.kind === 'loop') return templatesOf(step.over);
  return [];
}

/** Names the plan defines: variables, payload fields (or payload names), captures and set keys. */
export function definedNames(plan: YamlPlan): Set<string> {
  const names = new Set<string>(plan.variables.map((v) => v.name));
  for (const payload of plan.payloads) {
    if (payload.name !== undefined) names.add(payload.name);
    else for (const field of payload.fields) names.add(field);
  }
  for (const steps of stepsOf(plan)) {
    walk(steps, (step) => {
      if (step.kind === 'request') for (const c of step.captures) names.add(c.as);
      if (step.kind === 'set') for (const [k] of step.entries) names.add(k);
    });
  }
  return names;
}

function checkTemplate(
  template: Template,
  names: Set<string>,
  inLoop: boolean,
  problems: InputProblems,
): void {
  for (const part of template.parts) {
    if (typeof part === 'string') continue;
    const ref = part.ref;
    if (ref.kind === 'var' && !names.has(ref.name) && part.fallback === undefined) {
      const near = findNearest(ref.name, names);
      const hint = names.size === 0 ? ' (define it in variables, a payload, a capture or set)' : '';
      problems.add(template.path, `unknown variable "${ref.name}" in ${part.source}${hint}`, {
        suggestion: near,
      });
    }
    if (ref.kind === 'special' && ref.name.startsWith('$loop') && !inLoop)
      problems.add(template.path, `${ref.name} is only defined inside a loop (in ${part.source})`);
  }
}

function isRelative(url: Template): boolean {
  const first = url.parts[0];
  return typeof first === 'string' && !/^https?:\/\//i.test(first);
}

/** Records unknown variables, loop values outside loops, and relative URLs without a target. */
export function checkVariables(plan: YamlPlan, problems: InputProblems): void {
  const names = definedNames(plan);
  let relativeWithoutTarget = false;
  for (const steps of stepsOf(plan)) {
    walk(steps, (step, inLoop) => {
      // A loop's own `over` is read outside the loop: `walk` passes the parent's scope for it.
      for (const template of templatesOfStep(step))
        checkTemplate(template, names, inLoop, problems);
      if (
        step.kind === 'request' &&
        plan.target === undefined &&
        isRelative(step.url) &&
        !relativeWithoutTarget
      ) {
        relativeWithoutTarget = true;
        problems.add(
          step.url.path,
          `"${step.url.source}" is a relative URL but the plan has no target (the base URL, e.g. target: http://127.0.0.1:3000)`,
        );
      }
    });
  }
  for (const [, value] of plan.defaultHeaders)
    for (const t of templatesOf(value)) checkTemplate(t, names, false, problems);
  for (const variable of plan.variables) {
    const values = 'value' in variable ? [variable.value] : variable.choices;
    for (const t of values.flatMap(templatesOf)) checkTemplate(t, names, false, problems);
  }
  if (plan.target) checkTemplate(plan.target, names, false, problems);
}
