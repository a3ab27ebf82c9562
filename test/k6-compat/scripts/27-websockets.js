// k6/websockets in k6's documentation style: the constructor returns at once, handlers run on the event loop, the iteration ends when every socket closed.
import { Blob, WebSocket } from 'k6/websockets';
import { check } from 'k6';
import { Counter } from 'k6/metrics';

export const options = { vus: 2, iterations: 4 };

const events = new Counter('test_events');

export default function () {
  const ws = new WebSocket(`${__ENV.WS_URL}/echo`, null, { tags: { api: 'browser' } });
  ws.binaryType = 'arraybuffer';
  let texts = 0;
  ws.onopen = () => {
    events.add(1, { event: 'open' });
    ws.send('one');
    ws.send(new Uint8Array([9, 8, 7, 6]));
    ws.ping();
  };
  ws.addEventListener('message', (e) => {
    if (typeof e.data === 'string') {
      texts++;
      events.add(1, { event: 'text' });
      if (texts === 1) ws.send('two');
      else ws.close();
    } else {
      events.add(new Uint8Array(e.data).length, { event: 'binary-bytes' });
    }
  });
  ws.addEventListener('pong', () => events.add(1, { event: 'pong' }));
  ws.onclose = (e) => {
    events.add(1, { event: 'close' });
    check(e, { 'close event with code 1000': (ev) => ev.code === 1000 && ev.type === 'close' });
  };
  // A second socket in the same iteration, with a Blob message.
  const blobSocket = new WebSocket(`${__ENV.WS_URL}/echo`);
  blobSocket.onopen = () => {
    blobSocket.send(new Blob(['blob please']));
    // The Blob's bytes are read asynchronously: buffered until then, as in browsers.
    check(blobSocket, { 'bufferedAmount counts a Blob not sent yet': (s) => s.bufferedAmount === 11 });
  };
  blobSocket.onmessage = (e) => {
    check(e, { 'a Blob is sent as binary and arrives as a Blob (default binaryType)': (ev) => ev.data instanceof Blob && ev.data.size === 11 });
    check(blobSocket, { 'bufferedAmount is 0 once the echo came back': (s) => s.bufferedAmount === 0 });
    blobSocket.close(3001, 'done');
  };
  // A failing handshake fires error then close.
  const refused = new WebSocket(`${__ENV.WS_URL}/refuse`);
  refused.onerror = (e) => events.add(1, { event: 'refused-error' });
  refused.onclose = () => events.add(1, { event: 'refused-close' });
  check(ws, { 'constructor returns before the handshake': (s) => s.readyState === 0 });
}
