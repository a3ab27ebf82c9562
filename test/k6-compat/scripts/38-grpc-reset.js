// k6/net/grpc against a peer that resets the TCP connection in the middle of each call: the unary call returns Unavailable (not thrown), the stream fires error then end, both are counted in grpc_req_duration with their status.
import grpc from 'k6/net/grpc';
import { check } from 'k6';
import { Counter } from 'k6/metrics';

const client = new grpc.Client();
client.load(['grpc'], 'hello.proto');
const events = new Counter('stream_events');

export const options = { vus: 1, iterations: 2 };

export default () => {
  client.connect(__ENV.RESET_ADDR, { plaintext: true });
  const res = client.invoke('hello.Greeter/SayHello', { name: 'reset me' }, { timeout: '10s' });
  check(res, {
    'a reset call returns Unavailable': (r) => r.status === grpc.StatusUnavailable && r.message === null,
    'with an error message': (r) => r.error !== null && r.error.code === grpc.StatusUnavailable && r.error.message.length > 0,
  });
  client.connect(__ENV.RESET_ADDR, { plaintext: true });
  const stream = new grpc.Stream(client, 'hello.Greeter/Chat');
  stream.on('data', () => events.add(1, { kind: 'data' }));
  stream.on('error', (e) => events.add(1, { kind: 'error', code: String(e.code) }));
  stream.on('end', () => events.add(1, { kind: 'end' }));
  stream.write({ name: 'a' });
};
