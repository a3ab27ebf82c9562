// k6's client-streaming example (docs: using-k6/protocols/grpc): connect with reflection on the
// first iteration, a Stream on main.RouteGuide/RecordRoute, log the summary's camelCase fields,
// close the client on end, write three random points from a helper that sleeps 0.5 s after each
// write, then end the stream. Only the address (and the sample points) differ.
import { Client, Stream } from 'k6/net/grpc';
import { sleep } from 'k6';

const COORD_FACTOR = 1e7;
const client = new Client();

const points = [
  { location: { latitude: 407000000, longitude: -746000000 }, name: 'first stop' },
  { location: { latitude: 408000000, longitude: -744000000 }, name: 'second stop' },
  { location: { latitude: 413000000, longitude: -749000000 }, name: 'third stop' },
  { location: { latitude: 419000000, longitude: -740000000 }, name: 'fourth stop' },
  { location: { latitude: 414000000, longitude: -743000000 }, name: 'fifth stop' },
];

export default () => {
  if (__ITER == 0) {
    client.connect('127.0.0.1:10000', { plaintext: true, reflect: true });
  }

  const stream = new Stream(client, 'main.RouteGuide/RecordRoute');

  stream.on('data', (stats) => {
    console.log(`trip of ${stats.pointCount} points`);
    console.log(`${stats.featureCount} features passed`);
    console.log(`${stats.distance} meters`);
    console.log(`${stats.elapsedTime} seconds`);
  });

  stream.on('end', () => {
    client.close();
    console.log('stream ended');
  });

  for (let i = 0; i < 3; i++) {
    const point = points[Math.floor(Math.random() * points.length)];
    pointSender(stream, point);
  }

  stream.end();
};

const pointSender = (stream, point) => {
  console.log(
    `visiting ${point.name} ${point.location.latitude / COORD_FACTOR}, ${
      point.location.longitude / COORD_FACTOR
    }`
  );

  stream.write(point.location);

  sleep(0.5);
};
