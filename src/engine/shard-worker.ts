/** Worker-thread entry of a shard: runs one shard and posts its reports to the controller. */
import { Console } from 'node:console';
import { parentPort, workerData } from 'node:worker_threads';
import { addRedactedNames } from '../util/redact.js';
import { startShardInThisThread, type WorkerSpec } from './shard-host.js';

// Scripts' console output goes to stderr, as in k6, so stdout carries only the summary.
globalThis.console = new Console({ stdout: process.stderr, stderr: process.stderr });
const spec = workerData as WorkerSpec;
addRedactedNames(spec.redactNames);
const port = parentPort!;
const handle = await startShardInThisThread(spec, (report) =>
  port.postMessage({ type: 'report', report }),
);
port.on('message', (message: { type: string; loadStartEpochMs?: number }) => {
  if (message.type === 'start') handle.start(message.loadStartEpochMs!);
  if (message.type === 'stop') handle.stop();
});
port.postMessage({ type: 'ready' });
await handle.done;
port.postMessage({ type: 'done' });
port.close();
