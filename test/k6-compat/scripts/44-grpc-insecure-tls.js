// gRPC over TLS to a server with a self-signed certificate: refused unless the test skips
// certificate verification (insecureSkipTLSVerify / --insecure-skip-tls-verify), as in k6, where
// the channel's TLS comes from the test's TLS settings.
import { Client, StatusOK } from 'k6/net/grpc';
import { check } from 'k6';

const client = new Client();
client.load(['docs/definitions'], 'hello.proto');

export const options = { vus: 1, iterations: 1 };

export default () => {
  let error = '';
  try {
    client.connect(__ENV.GRPC_ADDR, { timeout: '3s' });
  } catch (e) {
    error = String(e.message);
  }
  if (__ENV.EXPECT === 'refused') {
    check(error, { 'connect refused the unverified server': (m) => m.includes(__ENV.GRPC_ADDR) });
    return;
  }
  const response = client.invoke('hello.HelloService/SayHello', { greeting: 'tls' });
  check(response, { 'call over unverified TLS': (r) => error === '' && r.status === StatusOK && r.message.reply === 'hello tls' });
  client.close();
};
