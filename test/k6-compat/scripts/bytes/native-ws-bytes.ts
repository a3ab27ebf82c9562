// data_sent / data_received of the native WebSocket API's sessions (the TCP connection's bytes).
import { check, ws } from 'redline';

export const options = { vus: 1, iterations: 3 };

export default async function () {
  const socket = await ws.connect(`${__ENV.WS_URL}/native`);
  socket.send('three');
  const first = await socket.receive();
  await socket.close();
  check(first, { 'native echo': (m) => m === 'three' });
}

declare const __ENV: Record<string, string>;
