// k6/net/grpc streams in k6's documentation style: server, client and bidirectional streaming with grpc.Stream; the iteration ends when the streams ended.
import { Client, Stream, StatusOK } from 'k6/net/grpc';
import { check } from 'k6';
import { Counter } from 'k6/metrics';

const client = new Client();
client.load(['grpc'], 'hello.proto');
const seen = new Counter('stream_events');

export const options = { vus: 1, iterations: 2 };

export default () => {
  client.connect(__ENV.GRPC_ADDR, { plaintext: true });

  const counting = new Stream(client, 'hello.Greeter/Count');
  let last = 0;
  counting.on('data', (reply) => {
    last = reply.n;
    seen.add(1, { kind: 'server-data' });
  });
  counting.on('end', () => {
    check(last, { 'server stream delivered every message': (n) => n === 5 });
    seen.add(1, { kind: 'server-end' });
  });
  counting.write({ to: 5 });
  counting.end();

  const summing = new Stream(client, 'hello.Greeter/Sum');
  summing.on('data', (reply) => {
    check(reply, { 'client stream summed': (r) => r.total === 10 && r.count === 4 });
  });
  summing.on('end', () => seen.add(1, { kind: 'client-end' }));
  [1, 2, 3, 4].forEach((n) => summing.write({ n }));
  summing.end();

  const chat = new Stream(client, 'hello.Greeter/Chat', { metadata: { 'x-token': 'abc' } });
  const echoes = [];
  chat.on('data', (reply) => {
    echoes.push(reply.message);
    if (echoes.length === 2) chat.end();
  });
  chat.on('end', () => {
    check(echoes, { 'bidi echoes in order': (e) => e.join(',') === 'echo a,echo b' });
    client.close();
  });
  chat.write({ name: 'a' });
  chat.write({ name: 'b' });

  const failing = new Stream(client, 'hello.Greeter/Fail');
  failing.on('error', (err) => {
    check(err, { 'a unary method on a stream fails with its status': (e) => e.code === 5 && e.message === 'no such user' });
  });
  failing.on('end', () => seen.add(1, { kind: 'failing-end' }));
  failing.write({ name: 'x' });
  failing.end();
  check(StatusOK, { 'named status import': (s) => s === 0 });
};
