// k6/net/grpc: a call the server never answers (no deadline set) is cancelled when the test ends (duration + gracefulStop), not left hanging.
import grpc from 'k6/net/grpc';

const client = new grpc.Client();
client.load(['grpc'], 'hello.proto');

export const options = { scenarios: { s: { executor: 'constant-vus', vus: 1, duration: '1s', gracefulStop: '300ms' } } };

export default () => {
  client.connect(__ENV.GRPC_ADDR, { plaintext: true });
  client.invoke('hello.Greeter/Slow', { name: 'forever' });
};
