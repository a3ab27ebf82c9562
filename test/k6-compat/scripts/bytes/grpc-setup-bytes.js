// data_sent / data_received of gRPC connections opened in setup() and teardown() and never
// closed: k6 reports the VU's dialer bytes when setup() / teardown() ends, so they are counted
// then, not when (if ever) the socket closes. TLS unless PLAINTEXT is set (self-signed
// certificate: the test skips verification).
import grpc from 'k6/net/grpc';
import { check } from 'k6';

const client = new grpc.Client();
client.load(['../grpc'], 'hello.proto');

export const options = { vus: 1, iterations: 1, insecureSkipTLSVerify: true };

export function setup() {
  client.connect(__ENV.GRPC_ADDR, { plaintext: __ENV.PLAINTEXT === '1' });
  for (let i = 0; i < 3; i++) {
    const response = client.invoke('hello.Greeter/SayHello', { name: 's'.repeat(100 * i + 1) });
    check(response, { 'setup OK': (r) => r.status === grpc.StatusOK });
  }
  return { ok: true };
}

export default () => {};

export function teardown() {
  client.connect(__ENV.GRPC_ADDR, { plaintext: __ENV.PLAINTEXT === '1' });
  const response = client.invoke('hello.Greeter/SayHello', { name: 'teardown' });
  check(response, { 'teardown OK': (r) => r.status === grpc.StatusOK });
}
