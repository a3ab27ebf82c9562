// --attach: profile a process started elsewhere with --inspect; it keeps running, unchanged.
import { type ChildProcess, spawn } from 'node:child_process';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runQuickTest } from '../../src/engine/index.js';
import { connectInspector } from '../../src/profiler/capture/inspector-client.js';
import { profileTarget } from '../../src/profiler/index.js';
import { findFreePort, waitForPort } from '../../src/util/net.js';
import { compileApps, hotSpotLine, ROOT } from './fixture-apps.js';

let cleanup = () => {};
let child: ChildProcess | undefined;
let port = 0;
let inspector = '';

beforeAll(async () => {
  const compiled = await compileApps();
  cleanup = compiled.cleanup;
  port = await findFreePort();
  child = spawn(process.execPath, ['--inspect=127.0.0.1:0', `${compiled.dir}/sync-crypto.mjs`], {
    env: { ...process.env, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  inspector = await new Promise<string>((resolve) => {
    child?.stderr?.on('data', (chunk: Buffer) => {
      const match = /ws:\/\/(127\.0\.0\.1:\d+)\//.exec(chunk.toString());
      if (match) resolve(match[1] as string);
    });
  });
  await waitForPort(port);
});
afterAll(() => {
  child?.kill();
  cleanup();
});

it('profiles a running process through host:port and leaves it running without the sampler', async () => {
  const url = `http://127.0.0.1:${port}/`;
  const result = await profileTarget({
    target: { attach: inspector },
    url,
    warmup: (u, signal) => runQuickTest({ url: u, connections: 4, durationMs: 1000, signal }),
    load: (u, signal) => runQuickTest({ url: u, connections: 4, durationMs: 3000, signal }),
    cwd: ROOT,
  });
  expect(result.findings[0]).toMatchObject({
    id: 'cpu.sync-crypto',
    location: { line: hotSpotLine('sync-crypto') },
  });
  expect(child?.exitCode).toBeNull();
  const session = await connectInspector(
    `ws://${inspector}/${((await (await fetch(`http://${inspector}/json/list`)).json()) as Array<{ id: string }>)[0]?.id}`,
  );
  const left = await session.send<{ result: { value: string } }>('Runtime.evaluate', {
    expression: 'typeof globalThis.__redlineSampler',
    returnByValue: true,
  });
  await session.close();
  expect(left.result.value).toBe('undefined');
  const still = await fetch(url);
  expect(still.status).toBe(200);
});
