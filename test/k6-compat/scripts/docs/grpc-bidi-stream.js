// Bidirectional streaming in the style of k6's gRPC examples (the docs say it combines the two
// examples above and show no script of its own): reflection, a Stream on
// main.RouteGuide/RouteChat, notes written with a sleep between them, the notes the server sends
// back logged, an error handler, the client closed on end.
import { Client, Stream } from 'k6/net/grpc';
import { sleep } from 'k6';

const client = new Client();

export default () => {
  if (__ITER == 0) {
    client.connect('127.0.0.1:10000', { plaintext: true, reflect: true });
  }

  const stream = new Stream(client, 'main.RouteGuide/RouteChat');

  stream.on('data', (note) => {
    console.log(`note "${note.message}" at ${note.location.latitude}, ${note.location.longitude}`);
  });

  stream.on('error', (e) => {
    console.log('stream error: ' + JSON.stringify(e));
  });

  stream.on('end', () => {
    client.close();
    console.log('stream ended');
  });

  for (let i = 0; i < 3; i++) {
    stream.write({ location: { latitude: 400000000 + i, longitude: -740000000 }, message: `note ${i}` });
    sleep(0.2);
  }

  stream.end();
};
