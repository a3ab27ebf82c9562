// k6/ws in k6's documentation style: echo of text and binary frames, ping/pong, timers, close, the handshake response, per-session tags.
import ws from 'k6/ws';
import { check } from 'k6';

export const options = {
  vus: 2,
  iterations: 4,
  thresholds: { 'ws_msgs_received{my_tag:hello}': ['count==16'], ws_connecting: ['p(95)<60000'] },
};

export default function () {
  const url = `${__ENV.WS_URL}/echo`;
  const params = { tags: { my_tag: 'hello' }, headers: { 'X-Test': 'yes' } };
  let texts = 0;
  let binaryBytes = 0;
  let pongs = 0;
  let closeCode = 0;
  let ticks = 0;
  const res = ws.connect(url, params, function (socket) {
    socket.on('open', function open() {
      socket.send('hello');
      socket.sendBinary(new Uint8Array([1, 2, 3]).buffer);
      socket.ping();
    });
    socket.on('message', function (message) {
      texts++;
      if (texts < 3) socket.send(`again ${texts}`);
      else socket.setInterval(() => {
        ticks++;
        if (ticks === 2) socket.close();
      }, 5);
    });
    socket.on('binaryMessage', (buffer) => {
      binaryBytes += new Uint8Array(buffer).length;
    });
    socket.on('pong', () => pongs++);
    socket.on('close', (code) => {
      closeCode = code;
    });
    socket.setTimeout(function () {
      socket.close(1000);
    }, 20000);
  });
  check(res, {
    'status is 101': (r) => r && r.status === 101,
    'url is the one connected to': (r) => r.url === url,
    'handshake headers': (r) => r.headers['Upgrade'] === 'websocket',
  });
  check(null, {
    'three text echoes': () => texts === 3,
    'binary echoed': () => binaryBytes === 3,
    'one pong': () => pongs === 1,
    'closed with the default 1001': () => closeCode === 1001,
    'interval ran twice': () => ticks === 2,
  });
}
