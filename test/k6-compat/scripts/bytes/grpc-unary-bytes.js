// data_sent / data_received of gRPC unary calls and a bidi stream: each VU keeps its connection over
// its iterations (k6 reports the connection's bytes at the end of every iteration) and closes it
// in the last one. TLS unless PLAINTEXT is set (the certificate is self-signed: the test skips
// verification, which gRPC honours as k6 does).
import grpc from 'k6/net/grpc';
import { check } from 'k6';


const client = new grpc.Client();
client.load(['../grpc'], 'hello.proto');

export const options = {
  scenarios: { unary: { executor: 'per-vu-iterations', vus: 2, iterations: 3 } },
  insecureSkipTLSVerify: true,
};

export default () => {
  if (__ITER === 0) client.connect(__ENV.GRPC_ADDR, { plaintext: __ENV.PLAINTEXT === '1' });
  for (let i = 0; i < 5; i++) {
    const response = client.invoke('hello.Greeter/SayHello', { name: `n${i}`.repeat(i * 50 + 1) });
    check(response, { 'OK': (r) => r.status === grpc.StatusOK });
  }
  const chat = new grpc.Stream(client, 'hello.Greeter/Chat');
  let echoes = 0;
  chat.on('data', () => {
    echoes++;
    if (echoes === 2) chat.end();
  });
  chat.on('end', () => {
    check(echoes, { 'two echoes': (n) => n === 2 });
    if (__ITER === 2) client.close();
  });
  chat.write({ name: 'a' });
  chat.write({ name: 'b'.repeat(300) });
};
