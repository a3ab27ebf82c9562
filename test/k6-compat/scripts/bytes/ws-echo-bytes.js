// data_sent / data_received of WebSocket sessions (k6/ws, k6/websockets and the native API): the
// bytes of each session's TCP connection, handshake and frames included, as k6's dialer counts.
import ws from 'k6/ws';
import { WebSocket } from 'k6/websockets';
import { check } from 'k6';

export const options = { vus: 2, iterations: 4 };

export default async function () {
  let echoes = 0;
  const res = ws.connect(`${__ENV.WS_URL}/k6-ws`, {}, (socket) => {
    socket.on('open', () => socket.send('one'));
    socket.on('message', () => {
      echoes++;
      if (echoes < 3) socket.send('x'.repeat(200 * echoes));
      else socket.close();
    });
  });
  check(res, { 'k6/ws 101': (r) => r.status === 101 && echoes === 3 });

  const echoed = await new Promise((resolve) => {
    const socket = new WebSocket(`${__ENV.WS_URL}/websockets`);
    let got = '';
    socket.onopen = () => socket.send('two');
    socket.onmessage = (e) => {
      got = e.data;
      socket.close();
    };
    socket.onclose = () => resolve(got);
  });
  check(echoed, { 'k6/websockets echo': (m) => m === 'two' });
}
