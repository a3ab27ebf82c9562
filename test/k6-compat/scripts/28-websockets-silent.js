// k6/websockets: sockets nobody closes (a silent peer, and a deaf peer that never answers our close frame) are ended by the test's end, not left hanging.
import { WebSocket } from 'k6/websockets';

export const options = { scenarios: { s: { executor: 'constant-vus', vus: 1, duration: '1s', gracefulStop: '300ms' } } };

export default function () {
  const silent = new WebSocket(`${__ENV.WS_URL}/silent`);
  silent.onopen = () => silent.send('anyone?');
  const deaf = new WebSocket(__ENV.DEAF_URL);
  deaf.onmessage = () => deaf.close();
}
