// k6/ws when things go wrong: server close codes, an abrupt reset, a refused handshake, a closed port, a peer that never answers the close handshake, handler exceptions and bad timer arguments.
import ws from 'k6/ws';
import { check } from 'k6';

export const options = { vus: 1, iterations: 1 };

function session(path, onOpen) {
  const seen = { errors: [], close: -1, messages: [] };
  const res = ws.connect(path.startsWith('ws') ? path : `${__ENV.WS_URL}${path}`, {}, (socket) => {
    socket.on('open', () => onOpen && onOpen(socket));
    socket.on('message', (m) => seen.messages.push(m));
    socket.on('error', (e) => seen.errors.push(e.error()));
    socket.on('close', (code) => {
      seen.close = code;
    });
  });
  return { res, seen };
}

export default function () {
  const coded = session('/close-4000');
  check(coded, {
    'server close code reaches the close handler': (s) => s.seen.close === 4000,
    'an abnormal close code fires error first': (s) => s.seen.errors.length === 1 && s.seen.errors[0].includes('4000'),
    'the message before the close arrived': (s) => s.seen.messages[0] === 'bye soon',
  });
  const normal = session('/close-normal');
  check(normal, { 'a normal close fires no error': (s) => s.seen.close === 1000 && s.seen.errors.length === 0 });
  const reset = session('/reset');
  check(reset, {
    'an abrupt reset ends the session with 1006': (s) => s.seen.close === 1006,
    'and reports an error': (s) => s.seen.errors.length === 1,
  });
  const refused = session('/refuse');
  check(refused.res, {
    'refused handshake: status and body': (r) => r.status === 403 && r.body === 'forbidden' && r.headers['X-Reason'] === 'test',
  });
  const down = session(__ENV.DOWN_URL);
  check(down.res, { 'closed port: status 0 and an error': (r) => r.status === 0 && r.error.includes('ECONNREFUSED') });
  const deaf = session(__ENV.DEAF_URL, (socket) => socket.close(1000));
  check(deaf, { 'close() returns without the peer answering': (s) => s.seen.close === 1000 && s.res.status === 101 });
  const pinged = session('/server-ping');
  check(pinged, { 'the server ping is answered and the server closes': (s) => s.seen.close === 1000 });
  let timerError = '';
  ws.connect(`${__ENV.WS_URL}/echo`, (socket) => {
    try {
      socket.setTimeout(() => {}, 0);
    } catch (e) {
      timerError = String(e.message);
    }
    socket.on('open', () => socket.close());
  });
  check(null, { 'setTimeout(fn, 0) throws as in k6': () => timerError.includes('requires a >0 timeout') });
  let thrown = '';
  try {
    ws.connect(`${__ENV.WS_URL}/echo`, (socket) => {
      socket.on('open', () => {
        throw new Error('boom in a handler');
      });
    });
  } catch (e) {
    thrown = String(e.message);
  }
  check(null, { 'a handler exception is thrown by connect()': () => thrown === 'boom in a handler' });
}
