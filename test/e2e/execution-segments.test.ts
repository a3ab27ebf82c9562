/**
 * k6 execution segments across real processes: the same script run as one `redline run` and as
 * two concurrent ones with `--execution-segment 0:1/2` and `1/2:1` sends, per scenario, exactly the
 * same number of requests to a counting server on loopback (shared-iterations and
 * constant-arrival-rate). An invalid segment is an options error (exit 104) naming the flag; a
 * URL run refuses a segment (exit 2).
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CountingServer, startCountingServer } from '../helpers/servers.js';
import { killAll, spawnWatched } from '../helpers/spawned.js';

const BIN = fileURLToPath(new URL('../../bin/redline.js', import.meta.url));
const SCRIPT = fileURLToPath(new URL('../fixtures/scripts/segment-e2e.js', import.meta.url));
let server: CountingServer;
let counts: Map<string, number>;

beforeAll(async () => {
  server = await startCountingServer();
  counts = server.counts;
});
afterAll(() => {
  killAll();
  return server?.close();
});

/** `redline run SCRIPT <extra>`: exit code and output. */
async function run(
  extra: string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawnWatched(process.execPath, [BIN, 'run', SCRIPT, ...extra], {
    BASE_URL: server.url,
  });
  const code = await child.exit;
  return { code, stdout: child.out(), stderr: child.err() };
}

const snapshot = () => Object.fromEntries(counts);

describe('redline run --execution-segment', () => {
  it('two halves in two processes send what one process sends', async () => {
    counts.clear();
    const whole = await run([]);
    expect(whole.code, whole.stderr).toBe(0);
    const one = snapshot();
    expect(one['/shared']).toBe(25);
    expect(one['/arrivals']).toBe(30); // 30/s for 1 s: slots 0..29

    counts.clear();
    const halves = await Promise.all([
      run(['--execution-segment', '0:1/2', '--execution-segment-sequence', '0,1/2,1']),
      run(['--execution-segment', '1/2:1', '--execution-segment-sequence', '0,1/2,1']),
    ]);
    for (const h of halves) expect(h.code, h.stderr).toBe(0);
    expect(snapshot()).toEqual(one);
  }, 120_000);

  it('an invalid segment is an options error (exit 104) naming the flag', async () => {
    const bad = await run(['--execution-segment', '3/4:1/4']);
    expect(bad.code).toBe(104);
    expect(bad.stderr + bad.stdout).toMatch(/--execution-segment.*must start before it ends/);
    const outside = await run([
      '--execution-segment',
      '0:1/3',
      '--execution-segment-sequence',
      '0,1/2,1',
    ]);
    expect(outside.code).toBe(104);
    expect(outside.stderr + outside.stdout).toMatch(/not one of the sequence's segments/);
  }, 60_000);

  it('a URL run (no scenarios to split) refuses a segment with a usage error (exit 2)', async () => {
    const url = spawnWatched(process.execPath, [
      BIN,
      'run',
      `${server.url}/`,
      '-d',
      '1s',
      '--execution-segment',
      '0:1/2',
    ]);
    expect(await url.exit).toBe(2);
    expect(url.err()).toMatch(/--execution-segment splits a script's scenarios/);
  }, 60_000);
});
