// k6's k6/ws example with several handlers on one event (docs: using-k6/protocols/websockets):
// send on open, ping every second from socket.setInterval, ping and pong handlers (two on pong),
// error handler reading e.error(), close after 2 s from socket.setTimeout, a check on status 101.
// Only the URL differs from the documentation.
import ws from 'k6/ws';
import { check } from 'k6';

export default function () {
  const url = 'ws://echo.websocket.org';
  const params = { tags: { my_tag: 'hello' } };

  const response = ws.connect(url, params, function (socket) {
    socket.on('open', function open() {
      console.log('connected');
      socket.send(Date.now());

      socket.setInterval(function timeout() {
        socket.ping();
        console.log('ping sent (interval of 1 s)');
      }, 1000);
    });

    socket.on('ping', () => console.log('ping received'));
    socket.on('pong', () => console.log('pong received'));
    socket.on('pong', () => {
      // a second handler on the same event
      console.log('pong received (second handler)');
    });

    socket.on('close', () => console.log('disconnected'));

    socket.on('error', (e) => {
      if (e.error() != 'websocket: close sent') {
        console.log('unexpected error: ', e.error());
      }
    });

    socket.setTimeout(function () {
      console.log('2 s passed, closing the socket');
      socket.close();
    }, 2000);
  });

  check(response, { 'status is 101': (r) => r && r.status === 101 });
}
