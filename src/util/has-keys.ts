/**
 * True when `record` is defined and has an enumerable key. Hot paths ask this per request or per
 * sample (tags, headers, scenario env): it builds no key array, unlike `Object.keys(x).length`.
 */
export function hasKeys(record: object | undefined): boolean {
  if (record === undefined) return false;
  for (const _ in record) return true;
  return false;
}
