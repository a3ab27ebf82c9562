/** Appending to a record of lists without assignment-in-expression tricks. */

/** Appends `value` to `record[key]`, creating the list on first use. */
export function appendTo<T>(record: Record<string, T[]>, key: string, value: T): void {
  const list = record[key];
  if (list) list.push(value);
  else record[key] = [value];
}
