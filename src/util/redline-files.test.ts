import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isRedlineInProcessFile } from './redline-files.js';

const pkg = dirname(dirname(dirname(fileURLToPath(import.meta.url))));

describe('isRedlineInProcessFile', () => {
  it('knows the probe in the build and in the sources, whichever this code runs from', () => {
    expect(isRedlineInProcessFile(join(pkg, 'dist/probe/drivers/pglite.js'))).toBe(true);
    expect(isRedlineInProcessFile(join(pkg, 'src/probe/drivers/pglite.ts'))).toBe(true);
    expect(isRedlineInProcessFile(join(pkg, 'dist/util/redact.js'))).toBe(true);
  });

  it('leaves the demo (it plays the user) and other projects to the user', () => {
    expect(isRedlineInProcessFile(join(pkg, 'src/demo/database/pglite.ts'))).toBe(false);
    expect(isRedlineInProcessFile(join(pkg, 'dist/demo/routes/items.js'))).toBe(false);
    expect(isRedlineInProcessFile('/srv/app/src/probe/drivers/pglite.ts')).toBe(false);
  });
});
