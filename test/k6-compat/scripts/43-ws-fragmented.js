// Fragmented WebSocket messages (a text message sent as three frames, a binary one as two): both
// APIs deliver each message once and whole, and ws_msgs_received counts messages, not frames.
import ws from 'k6/ws';
import { WebSocket } from 'k6/websockets';
import { check } from 'k6';

export const options = { vus: 1, iterations: 1 };

export default function () {
  const texts = [];
  const binaries = [];
  const res = ws.connect(`${__ENV.WS_URL}/fragmented`, {}, (socket) => {
    socket.on('message', (m) => texts.push(m));
    socket.on('binaryMessage', (b) => binaries.push(Array.from(new Uint8Array(b)).join(',')));
  });
  check(res, { 'k6/ws handshake': (r) => r.status === 101 });
  check(null, {
    'k6/ws: one text message, reassembled': () => texts.length === 1 && texts[0] === 'fragmented',
    'k6/ws: one binary message, reassembled': () => binaries.length === 1 && binaries[0] === '1,2,3',
  });

  const browser = new WebSocket(`${__ENV.WS_URL}/fragmented`);
  browser.binaryType = 'arraybuffer';
  const got = [];
  browser.onmessage = (e) =>
    got.push(typeof e.data === 'string' ? e.data : Array.from(new Uint8Array(e.data)).join(','));
  browser.onclose = () => {
    check(got, { 'k6/websockets: two whole messages': (g) => g.join('|') === 'fragmented|1,2,3' });
  };
}
