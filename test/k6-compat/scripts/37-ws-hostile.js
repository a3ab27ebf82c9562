// k6/ws and k6/websockets against hostile peers: a TCP reset in the middle of a frame, and a peer that never reads what it is sent (its buffers fill while the script keeps sending until the test ends).
import ws from 'k6/ws';
import { WebSocket } from 'k6/websockets';
import { check } from 'k6';
import { Counter } from 'k6/metrics';

const sends = new Counter('script_sends');
// A send the session refused (its socket was no longer open, as the end of the test closes it):
// k6/ws reports it as an error event, and ws_msgs_sent counts only messages handed to an open socket.
const refused = new Counter('script_sends_refused');
const events = new Counter('test_events');
const chunk = 'x'.repeat(64 * 1024);

export const options = {
  scenarios: {
    reset: { executor: 'shared-iterations', vus: 1, iterations: 1, exec: 'reset' },
    slowClassic: { executor: 'constant-vus', vus: 1, duration: '1s', gracefulStop: '300ms', exec: 'slowClassic' },
    slowBrowser: { executor: 'constant-vus', vus: 1, duration: '1s', gracefulStop: '300ms', exec: 'slowBrowser' },
  },
};

export function reset() {
  const seen = { close: -1, errors: [], messages: 0 };
  const res = ws.connect(`${__ENV.WS_URL}/reset-mid-message`, {}, (socket) => {
    socket.on('message', () => seen.messages++);
    socket.on('error', (e) => seen.errors.push(e.error()));
    socket.on('close', (code) => {
      seen.close = code;
    });
  });
  check(seen, {
    'k6/ws: a reset mid-frame ends the session with 1006': (s) => s.close === 1006 && res.status === 101,
    'k6/ws: one error, naming the abnormal close': (s) => s.errors.length === 1 && s.errors[0].includes('1006'),
    'k6/ws: the partial message is not delivered': (s) => s.messages === 0,
  });
  const socket = new WebSocket(`${__ENV.WS_URL}/reset-mid-message`, null, { tags: { api: 'browser' } });
  socket.onmessage = () => events.add(1, { event: 'browser-message' });
  socket.onerror = () => events.add(1, { event: 'browser-error' });
  socket.onclose = (e) => events.add(1, { event: 'browser-close', code: String(e.code) });
}

export function slowClassic() {
  ws.connect(`${__ENV.WS_URL}/slow-reader`, {}, (socket) => {
    socket.on('error', (e) => {
      if (String(e.error()).includes('send on a closed connection')) refused.add(1, { api: 'classic' });
    });
    socket.on('open', () =>
      socket.setInterval(() => {
        socket.send(chunk);
        sends.add(1, { api: 'classic' });
      }, 5),
    );
  });
}

export function slowBrowser() {
  const socket = new WebSocket(`${__ENV.WS_URL}/slow-reader`, null, { tags: { api: 'browser' } });
  socket.onopen = () => {
    const send = () => {
      if (socket.readyState !== 1) return;
      socket.send(chunk);
      sends.add(1, { api: 'browser' });
      setTimeout(send, 5);
    };
    send();
  };
}
