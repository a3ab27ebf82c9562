// k6's k6/websockets example (docs: javascript-api/k6-websockets): one VU opens four sockets
// from a helper, each sends JSON on open, parses what arrives, says something from a global
// setInterval, leaves after a random session length (setTimeout) and closes 3 s later, clearing
// its timers on close; k6-utils from jslib for the random values. Only the URL differs.
import { randomString, randomIntBetween } from 'https://jslib.k6.io/k6-utils/1.1.0/index.js';
import { WebSocket } from 'k6/websockets';

const sessionDuration = randomIntBetween(1000, 3000); // 1 to 3 s per session

export default function () {
  for (let i = 0; i < 4; i++) {
    startWSWorker(i);
  }
}

function startWSWorker(id) {
  const ws = new WebSocket(`wss://quickpizza.grafana.com/ws`);
  ws.binaryType = 'arraybuffer';

  ws.addEventListener('open', () => {
    ws.send(JSON.stringify({ event: 'SET_NAME', new_name: `VU ${__VU}:${id}` }));

    ws.addEventListener('message', (e) => {
      const msg = JSON.parse(e.data);
      if (msg.event === 'CHAT_MSG') {
        console.log(`VU ${__VU}:${id} got: ${msg.user} says ${msg.message}`);
      } else if (msg.event === 'ERROR') {
        console.error(`VU ${__VU}:${id} got an error: ${msg.message}`);
      } else {
        console.log(`VU ${__VU}:${id} got event ${msg.event}`);
      }
    });

    const intervalId = setInterval(() => {
      ws.send(JSON.stringify({ event: 'SAY', message: `saying ${randomString(5)}` }));
    }, randomIntBetween(2000, 8000));

    const timeout1id = setTimeout(function () {
      clearInterval(intervalId);
      console.log(`VU ${__VU}:${id}: ${sessionDuration} ms passed, leaving`);
      ws.send(JSON.stringify({ event: 'LEAVE' }));
    }, sessionDuration);

    const timeout2id = setTimeout(function () {
      console.log('closing the socket 3 s after leaving');
      ws.close();
    }, sessionDuration + 3000);

    ws.addEventListener('close', () => {
      clearTimeout(timeout1id);
      clearTimeout(timeout2id);
      console.log(`VU ${__VU}:${id}: disconnected`);
    });
  });
}
