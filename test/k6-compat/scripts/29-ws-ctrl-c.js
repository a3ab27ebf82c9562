// k6/ws and k6/websockets under Ctrl-C: long echo sessions in both APIs, stopped by a signal.
import ws from 'k6/ws';
import { WebSocket } from 'k6/websockets';

export const options = {
  scenarios: {
    classic: { executor: 'constant-vus', vus: 1, duration: '60s', exec: 'classic' },
    browser: { executor: 'constant-vus', vus: 1, duration: '60s', exec: 'browser' },
  },
};

export function classic() {
  ws.connect(`${__ENV.WS_URL}/echo`, {}, (socket) => {
    socket.on('open', () => socket.send('ping'));
    socket.on('message', (m) => socket.send(m));
  });
}

export function browser() {
  const socket = new WebSocket(`${__ENV.WS_URL}/echo`);
  socket.onopen = () => socket.send('ping');
  socket.onmessage = (e) => socket.send(e.data);
}
