// k6/net/grpc on two worker threads: unary calls and bidi streams for 2 s (or DURATION, to be cut by Ctrl-C); each call, stream and stream message is counted once across the workers.
import grpc from 'k6/net/grpc';

const client = new grpc.Client();
client.load(['grpc'], 'hello.proto');

export const options = {
  scenarios: {
    unary: { executor: 'constant-vus', vus: 4, duration: __ENV.DURATION || '2s', exec: 'unary' },
    bidi: { executor: 'constant-vus', vus: 2, duration: __ENV.DURATION || '2s', exec: 'bidi' },
  },
};

export function unary() {
  if (__ITER === 0) client.connect(__ENV.GRPC_ADDR, { plaintext: true });
  client.invoke('hello.Greeter/SayHello', { name: 'w' });
}

export function bidi() {
  if (__ITER === 0) client.connect(__ENV.GRPC_ADDR, { plaintext: true });
  const stream = new grpc.Stream(client, 'hello.Greeter/Chat');
  let received = 0;
  stream.on('data', () => {
    received++;
    if (received < 10) stream.write({ name: 'm' });
    else stream.end();
  });
  stream.write({ name: 'm' });
}
