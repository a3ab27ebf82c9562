/** Text formatting used in plan descriptions (durations: `formatGoDuration` in util/duration.ts). */
/** `1 scenario`, `2 scenarios`. */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
