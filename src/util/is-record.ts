/** The one "is this a plain key/value object" guard for parsed JSON and YAML input. */

/** True for a non-null object that is not an array (a JSON/YAML map); narrows to a string-keyed record. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
