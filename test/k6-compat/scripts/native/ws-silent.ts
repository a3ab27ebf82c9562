// The native WebSocket API against a peer that never sends nor closes: the `for await` loop waits,
// and the end of the test (duration + gracefulStop) closes the sockets; the run does not hang.
import { ws } from 'redline';

export const options = {
  scenarios: { silent: { executor: 'constant-vus', vus: 2, duration: '1s', gracefulStop: '1s' } },
};

export default async function () {
  const socket = await ws.connect(`${__ENV.WS_URL}/silent`);
  for await (const message of socket) throw new Error(`a silent peer sent ${String(message)}`);
}

declare const __ENV: Record<string, string>;
