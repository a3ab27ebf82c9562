/** Starts the bundled demo service in its own Node process (so load and service do not share a core's event loop). */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { DEMO_READY_PREFIX } from '../demo/cli-options.js';
import { ExitCode } from '../errors/exit-codes.js';
import { RedlineError } from '../errors/redline-error.js';
import { compiledModuleUrl } from '../util/runtime-path.js';

/** A running demo service. */
export interface DemoProcess {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Spawns `node dist/demo/main.js --port 0 [args]` and waits for its ready line. */
export async function startDemoProcess(
  args: string[] = [],
  nodeArgs: string[] = [],
  timeoutMs = 60_000,
): Promise<DemoProcess> {
  const main = fileURLToPath(compiledModuleUrl('../demo/main.js', import.meta.url));
  const child = spawn(process.execPath, [...nodeArgs, main, '--port', '0', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(
      () => reject(new Error(`the demo service did not start within ${timeoutMs / 1000} s`)),
      timeoutMs,
    );
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n').find((l) => l.startsWith(DEMO_READY_PREFIX));
      if (line) {
        clearTimeout(timer);
        resolve(line.slice(DEMO_READY_PREFIX.length).trim());
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the demo service exited with code ${code}: ${stderr.trim()}`));
    });
  }).catch((error: Error) => {
    child.kill('SIGKILL');
    throw new RedlineError('E_DEMO_START', error.message, {
      exitCode: ExitCode.Internal,
      cause: error,
    });
  });
  return {
    url,
    child,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const force = setTimeout(() => child.kill('SIGKILL'), 5000);
        child.once('exit', () => {
          clearTimeout(force);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}
