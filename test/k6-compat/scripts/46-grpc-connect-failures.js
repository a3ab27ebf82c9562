// k6/net/grpc connect() failures as k6 meets them (grpc-go's blocking dial with
// FailOnNonTempDialError): a refused TCP connect, a host name that does not exist or a reset
// during the TLS handshake throws at once; a certificate that fails verification, or a connection closed during the handshake, is
// retried until the connect timeout. Reports how long connect() took in `connect_took`.
import grpc from 'k6/net/grpc';
import { check } from 'k6';
import { Trend } from 'k6/metrics';

const client = new grpc.Client();
client.load(['grpc'], 'hello.proto');
const took = new Trend('connect_took', true);

export const options = { vus: 1, iterations: 1 };

export default () => {
  const params = { plaintext: __ENV.PLAINTEXT === '1' };
  if (__ENV.TIMEOUT) params.timeout = __ENV.TIMEOUT;
  const started = Date.now();
  let error = '';
  try {
    client.connect(__ENV.ADDR, params);
  } catch (e) {
    error = String(e.message);
  }
  took.add(Date.now() - started);
  if (__ENV.EXPECT_ERROR) {
    if (!new RegExp(__ENV.EXPECT_ERROR).test(error)) console.log(`connect error: ${error}`);
    check(error, { 'connect failed with the expected error': (m) => new RegExp(__ENV.EXPECT_ERROR).test(m) });
    return;
  }
  if (error) console.log(`connect error: ${error}`);
  check(error, { connected: (m) => m === '' });
  const response = client.invoke('hello.Greeter/SayHello', { name: 'x' });
  check(response, { 'call OK': (r) => r.status === grpc.StatusOK });
  client.close();
};
