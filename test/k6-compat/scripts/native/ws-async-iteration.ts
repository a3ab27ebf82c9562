// The native WebSocket API: `await ws.connect(url)` opens a socket, `for await` reads its
// messages, a `break` closes it; a refused handshake rejects; a server close ends the loop with
// its code. k6's ws_* metrics are recorded as for k6/websockets.
import { check, ws } from 'redline';

export const options = { vus: 1, iterations: 2 };

export default async function () {
  const socket = await ws.connect(`${__ENV.WS_URL}/echo`, { tags: { api: 'native' } });
  socket.send('one');
  socket.send(new Uint8Array([1, 2, 3]));
  socket.ping();
  const received: Array<string | number> = [];
  for await (const message of socket) {
    received.push(typeof message === 'string' ? message : new Uint8Array(message).length);
    if (received.length === 2) break; // closes the socket (1000)
  }
  const closed = await socket.closed;
  check(received, { 'text then 3 binary bytes echoed': (r) => r.join(',') === 'one,3' });
  check(closed, { 'break closed the socket with 1000': (c) => c.code === 1000 && c.error === undefined });

  // A server-initiated close ends the loop; the close code and reason are on `closed`.
  const leaving = await ws.connect(`${__ENV.WS_URL}/close-4000`);
  const texts: string[] = [];
  for await (const message of leaving) texts.push(String(message));
  const info = await leaving.closed;
  check(info, { 'server close 4000 ends the loop': (c) => c.code === 4000 && c.reason === 'going' && texts.join() === 'bye soon' });

  // receive(): one message at a time, undefined once closed.
  const one = await ws.connect(`${__ENV.WS_URL}/echo`);
  one.send('ping me');
  const first = await one.receive();
  await one.close();
  check(await one.receive(), { 'receive() then undefined after close': (m) => m === undefined && first === 'ping me' });

  // A refused handshake (403) rejects connect().
  let refused = '';
  try {
    await ws.connect(`${__ENV.WS_URL}/refuse`);
  } catch (error) {
    refused = (error as Error).message;
  }
  check(refused, { 'refused handshake rejects': (m) => m !== '' });
}

declare const __ENV: Record<string, string>;
