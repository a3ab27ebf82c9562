// k6/net/grpc under Ctrl-C: two VUs calling as fast as they can, one VU waiting on a call the server never answers; stopped by a signal.
import grpc from 'k6/net/grpc';

const client = new grpc.Client();
client.load(['grpc'], 'hello.proto');

export const options = {
  scenarios: {
    busy: { executor: 'constant-vus', vus: 2, duration: '60s', exec: 'busy' },
    stuck: { executor: 'constant-vus', vus: 1, duration: '60s', exec: 'stuck' },
  },
};

export function busy() {
  client.connect(__ENV.GRPC_ADDR, { plaintext: true });
  for (let i = 0; i < 1000000; i++) client.invoke('hello.Greeter/SayHello', { name: 'busy' });
}

export function stuck() {
  client.connect(__ENV.GRPC_ADDR, { plaintext: true });
  client.invoke('hello.Greeter/Slow', { name: 'stuck' });
}
