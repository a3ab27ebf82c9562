// Blocking calls (http.*, sleep) inside WebSocket event handlers: the k6 transform makes the handlers async; k6/ws runs the events in order, each after the previous handler finished, and connect() returns after the last one.
import ws from 'k6/ws';
import { WebSocket } from 'k6/websockets';
import http from 'k6/http';
import { check, sleep } from 'k6';

export const options = { vus: 1, iterations: 2 };

export default function () {
  const seen = [];
  ws.connect(`${__ENV.WS_URL}/echo`, {}, (socket) => {
    socket.on('open', () => {
      const res = http.get(`${__ENV.BASE_URL}/ok`);
      seen.push(`open ${res.status}`);
      socket.send('a');
      socket.send('b');
    });
    socket.on('message', (m) => {
      // Only the first message waits: "b" arrives meanwhile and must still be handled after it.
      if (m === 'a') sleep(0.1);
      seen.push(`message ${m}`);
      if (m === 'b') socket.close();
    });
    socket.on('close', () => {
      http.get(`${__ENV.BASE_URL}/ok`);
      seen.push('close');
    });
  });
  check(seen, { 'handlers ran in order, each after the previous one': (s) => s.join(',') === 'open 200,message a,message b,close' });

  const browser = new WebSocket(`${__ENV.WS_URL}/echo`);
  browser.addEventListener('open', () => {
    http.get(`${__ENV.BASE_URL}/ok`);
    browser.close();
  });
}
