// k6/ws: a session the script never closes, on a peer that never speaks, is ended by the test's end (duration + gracefulStop), not left hanging.
import ws from 'k6/ws';

export const options = { scenarios: { s: { executor: 'constant-vus', vus: 1, duration: '1s', gracefulStop: '300ms' } } };

export default function () {
  ws.connect(`${__ENV.WS_URL}/silent`, {}, (socket) => {
    socket.on('open', () => socket.send('anyone?'));
  });
}
