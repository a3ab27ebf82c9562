/** The typed YAML plan after reading: k6-shaped options, flows of steps, templates and data. */
import type { InputPath } from '../../util/input-reader.js';

/** A literal inside a template (`?? "fallback"`, helper arguments). */
export type Literal = string | number | boolean | null;

/** A template helper (`{{ $randomString(8) }}`). */
export type HelperName = 'randomString' | 'randomNumber' | 'uuid' | 'timestamp' | 'isoTimestamp';

/** What a `{{ ... }}` refers to. */
export type TemplateRef =
  | { kind: 'var'; name: string; path: Array<string | number> }
  | { kind: 'env'; name: string }
  | {
      kind: 'special';
      name: '$vu' | '$iteration' | '$loopIndex' | '$loopCount' | '$loopElement';
      path: Array<string | number>;
    }
  | { kind: 'call'; fn: HelperName; args: Literal[] };

/** One `{{ ... }}`: what it refers to, an optional `?? fallback`, and its source text. */
export interface TemplateExpr {
  ref: TemplateRef;
  fallback?: Literal;
  source: string;
}

/** A string with `{{ ... }}` parts. */
export interface Template {
  parts: Array<string | TemplateExpr>;
  source: string;
  /** Where the string is in the plan (for unknown-variable problems). */
  path: InputPath;
}

/** A YAML value whose strings may hold templates. */
export type TValue =
  | { kind: 'template'; template: Template }
  | { kind: 'literal'; value: number | boolean | null }
  | { kind: 'list'; items: TValue[] }
  | { kind: 'map'; entries: Array<[string, TValue]> };

/** A 1-based position of a step in the plan file, and its `file:line:column` text. */
export interface StepPosition {
  line: number;
  column: number;
  text: string;
}

/** How a JSON value is selected: a JSONPath subset (`$.a.b[0]`) or a GJSON path (`a.b.0`, `items.#`). */
export type JsonSelector =
  | { kind: 'path'; segments: Array<string | number>; source: string }
  | { kind: 'gjson'; selector: string; source: string };

/** One capture of a request: a value from the response into a variable. */
export type Capture = {
  as: string;
  strict: boolean;
  fallback?: TValue;
} & (
  | { from: 'json'; selector: JsonSelector }
  | { from: 'header'; header: string }
  | { from: 'regexp'; pattern: string; flags: string; group: number }
  | { from: 'status' }
);

/** What one check tests. */
export type CheckBody =
  | { kind: 'status'; codes: number[]; negate: boolean }
  | { kind: 'bodyContains'; text: TValue }
  | { kind: 'bodyMatches'; pattern: string; flags: string }
  | { kind: 'json'; selector: JsonSelector; expected: TValue }
  | { kind: 'hasProperty'; selector: JsonSelector; negate: boolean }
  | { kind: 'header'; name: string; contains?: TValue; equals?: TValue }
  | { kind: 'contentType'; contains: string }
  | { kind: 'maxDuration'; ms: number }
  | { kind: 'equals'; values: TValue[] };

/** One check of a response (from `check:` or Artillery's `expect:`), with its name in the summary. */
export type CheckSpec = { label: string } & CheckBody;

/** A request body. */
export type RequestBody =
  | { kind: 'json'; value: TValue }
  | { kind: 'form'; entries: Array<[string, TValue]> }
  | { kind: 'raw'; value: TValue };

/** An HTTP request step. */
export interface RequestStep {
  kind: 'request';
  pos: StepPosition;
  method: string;
  url: Template;
  /** The `name` tag (groups dynamic URLs in metrics); undefined: the URL itself. */
  name?: string;
  /** How checks and errors name the request (`POST /auth/login`). */
  label: string;
  headers: Array<[string, TValue]>;
  query: Array<[string, TValue]>;
  body?: RequestBody;
  cookies: Array<[string, TValue]>;
  basicAuth?: { user: TValue; pass: TValue };
  timeoutMs?: number;
  redirects?: number;
  tags: Record<string, string>;
  captures: Capture[];
  checks: CheckSpec[];
}

/** A step of a flow. */
export type Step =
  | RequestStep
  | { kind: 'think'; pos: StepPosition; minSeconds: number; maxSeconds: number }
  | { kind: 'group'; pos: StepPosition; name: string; steps: Step[] }
  | { kind: 'loop'; pos: StepPosition; count?: number; over?: TValue; steps: Step[] }
  | { kind: 'log'; pos: StepPosition; message: TValue }
  | { kind: 'set'; pos: StepPosition; entries: Array<[string, TValue]> };

/** A flow: the steps one iteration runs, its name and weight among the plan's flows. */
export interface FlowSpec {
  name: string;
  weight: number;
  steps: Step[];
}

/** A variable: one value, or a list one value of which each iteration picks at random. */
export type VariableSpec = { name: string; value: TValue } | { name: string; choices: TValue[] };

/** A data file read at compile time (rows of objects), and how iterations pick rows. */
export interface PayloadSpec {
  /** Absolute path of the data file. */
  file: string;
  rows: Array<Record<string, unknown>>;
  fields: string[];
  order: 'random' | 'sequence';
  /** When set, the row is one variable `name` (`{{ name.field }}`); else each field is a variable. */
  name?: string;
  /** Every row in variable `name` (a list, e.g. for `loop: ... over:`), instead of one row. */
  loadAll: boolean;
}

/** The whole plan, ready for code generation. */
export interface YamlPlan {
  /** Absolute path of the plan file. */
  file: string;
  /** `target` (base URL) template, when given. */
  target?: Template;
  /** The k6 options object of the generated module (scenarios, thresholds, ...). */
  options: Record<string, unknown>;
  defaultHeaders: Array<[string, TValue]>;
  variables: VariableSpec[];
  payloads: PayloadSpec[];
  /** Flows the default function picks from (by weight). */
  flows: FlowSpec[];
  /** Scenario-specific flows: exported function name -> flow. */
  scenarioFlows: Array<{ exec: string; flow: FlowSpec }>;
  before?: Step[];
  after?: Step[];
}
