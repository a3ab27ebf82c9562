// Globals Redline defines for load-test scripts, as k6 does. Add to tsconfig "types":
// ["redline/globals"], or reference with /// <reference types="redline/globals" />.
export {};

declare global {
  /** Environment variables: the process environment, `--env K=V` values and scenario `env`. */
  const __ENV: Record<string, string | undefined>;
  /** The running VU's id (1-based; 0 in setup and teardown). */
  const __VU: number;
  /** The running VU's iteration number (0-based). */
  const __ITER: number;
  /** Reads a file relative to the script: text, or an ArrayBuffer with mode 'b'. */
  function open(path: string, mode?: 'b'): string | ArrayBuffer;
}
