#!/usr/bin/env node
// Entry point of the `redline` command: loads the compiled CLI from dist/.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(main))) {
  process.stderr.write(
    'redline: the compiled CLI is missing (dist/cli/main.js).\n' +
      'hint: run `npm install` (it builds) or `npm run build` in the redline folder.\n',
  );
  process.exit(70);
}
await import(main.href);
