/**
 * Names and labels of the objects one distributed test puts on a cluster: every name derives
 * from one test id and is a valid DNS-1123 label (Service names also DNS-1035: they start with a
 * letter), and every object carries the same labels, so one selector finds (and deletes) them all.
 */
import { randomBytes } from 'node:crypto';
import { ExitCode } from '../errors/exit-codes.js';
import { RedlineError } from '../errors/redline-error.js';

/** A DNS-1123 label: lowercase alphanumerics and '-', starting and ending alphanumeric, ≤ 63. */
export const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** A DNS-1035 label (Service names): as DNS-1123 but starting with a letter. */
export const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/**
 * The longest test id: the longest name built from it (`redline-<id>-controller`) stays well
 * under 63, and the agents' pod hostnames (`<job>-<index>`) too.
 */
export const MAX_TEST_ID_LENGTH = 24;

/** The label every object of a test carries, with the test id as value. */
export const TEST_ID_LABEL = 'redline.dev/test-id';

/** The role of an object inside a test (`app.kubernetes.io/component`). */
export type Component = 'controller' | 'agent' | 'script' | 'token';

/** True when `name` is a DNS-1123 label of at most 63 characters. */
export function isDns1123Label(name: string): boolean {
  return name.length <= 63 && DNS1123_LABEL.test(name);
}

/** A fresh test id: 10 lowercase base-36 characters, starting with a letter. */
export function generateTestId(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = randomBytes(10);
  let id = alphabet[(bytes[0] as number) % 26] as string;
  for (let i = 1; i < bytes.length; i++) id += alphabet[(bytes[i] as number) % 36];
  return id;
}

/** Checks a user's `--test-id`: a usage error (exit 2) saying what is allowed. */
export function checkTestId(id: string): string {
  if (id.length <= MAX_TEST_ID_LENGTH && DNS1123_LABEL.test(id)) return id;
  throw new RedlineError('E_USAGE_VALUE', `invalid value for --test-id: "${id}"`, {
    hint: `use 1 to ${MAX_TEST_ID_LENGTH} lowercase letters, digits or '-', starting and ending with a letter or digit (it becomes part of every object's name)`,
    exitCode: ExitCode.Usage,
  });
}

/** Checks a user's `--namespace` (a DNS-1123 label). */
export function checkNamespace(namespace: string): string {
  if (isDns1123Label(namespace)) return namespace;
  throw new RedlineError('E_USAGE_VALUE', `invalid value for --namespace: "${namespace}"`, {
    hint: "a namespace is a DNS-1123 label: at most 63 lowercase letters, digits or '-', starting and ending with a letter or digit",
    exitCode: ExitCode.Usage,
  });
}

/** The names of one test's objects. */
export interface TestNames {
  testId: string;
  /** ConfigMap holding the script and its local files. */
  script: string;
  /** Secret holding the agents' token. */
  token: string;
  /** The controller's Job and its Service (same name: the agents join `<service>:<port>`). */
  controller: string;
  /** The agents' Indexed Job. */
  agents: string;
}

/** Every name of test `testId`. */
export function testNames(testId: string): TestNames {
  const base = `redline-${testId}`;
  return {
    testId,
    script: `${base}-script`,
    token: `${base}-token`,
    controller: `${base}-controller`,
    agents: `${base}-agents`,
  };
}

/** The labels of one object of test `testId`. */
export function testLabels(testId: string, component: Component): Record<string, string> {
  return {
    'app.kubernetes.io/name': 'redline',
    'app.kubernetes.io/instance': `redline-${testId}`,
    'app.kubernetes.io/component': component,
    'app.kubernetes.io/managed-by': 'redline',
    [TEST_ID_LABEL]: testId,
  };
}

/** The label selector matching every object of test `testId` (for `kubectl delete -l`). */
export function testSelector(testId: string): string {
  return `${TEST_ID_LABEL}=${testId}`;
}
