/**
 * Configuration causes read from real CPU profiles of test/fixtures/apps/profiler/debug-loop.cjs
 * (`node --cpu-prof`, LOOP_MS=1500), recorded at load 20 on two cores. With DEBUG unset the
 * profile still shows `debug`'s module code and the logger's body (it returns at its `enabled`
 * check): 4.6 % together, which named "debug-level logging" as the cause of the loop's logging.
 * Enabled (DEBUG=app:*), the formatting functions show it.
 */
import { describe, expect, it } from 'vitest';
import { importProfileFile } from '../import/registry.js';
import { analyzeProfile } from './analyze.js';
import { readProfileConfigCauses } from './config-evidence.js';

const DIR = 'test/fixtures/profiles/node/20.20.2';

async function analyzed(name: string) {
  return analyzeProfile(await importProfileFile(`${DIR}/${name}`));
}

describe('profile config causes: debug', () => {
  it('healthy: a disabled namespace names no cause, though debug code is on the profile', async () => {
    const analysis = await analyzed('debug-disabled-load20.cpuprofile');
    const debugRows = analysis.tables.functions.filter((r) => /debug\/src\//.test(r.file ?? ''));
    // The rows that made the false cause: the logger's body and node.js's module code.
    expect(debugRows.map((r) => r.name)).toEqual(expect.arrayContaining(['debug', '(anonymous)']));
    expect(readProfileConfigCauses(analysis.tables).map((c) => c.id)).not.toContain(
      'debug-logging',
    );
    expect(JSON.stringify(analysis.findings)).not.toContain('Likely cause');
  });

  it('an enabled namespace is named: its formatting functions are on the profile', async () => {
    const analysis = await analyzed('debug-enabled-load20.cpuprofile');
    const causes = readProfileConfigCauses(analysis.tables);
    expect(causes.find((c) => c.id === 'debug-logging')?.seen).toMatch(
      /^\d+\.\d% of CPU formatting `debug` output/,
    );
  });
});
