// gRPC over TLS with the server's CA given in connect(addr, { tls: { cacerts } }) (GRPC_TLS_ADDR), or wss:// with
// insecureSkipTLSVerify (WSS_URL; self-signed certificate). insecureSkipTLSVerify is global in k6 and gRPC honours it
// too, so the gRPC part runs without it: its call succeeds only if the given CA verified the server.
import grpc from 'k6/net/grpc';
import ws from 'k6/ws';
import { check } from 'k6';

const ca = open(__ENV.CA_FILE);
const client = new grpc.Client();
client.load(['grpc'], 'hello.proto');

export const options = { vus: 1, iterations: 1, insecureSkipTLSVerify: __ENV.WSS_URL !== undefined };

export default () => {
  if (__ENV.GRPC_TLS_ADDR) {
    client.connect(__ENV.GRPC_TLS_ADDR, { tls: { cacerts: [ca] } });
    const response = client.invoke('hello.Greeter/SayHello', { name: 'TLS' });
    check(response, { 'gRPC over TLS': (r) => r.status === grpc.StatusOK && r.message.message === 'Hello TLS' });
    client.close();
  }
  if (!__ENV.WSS_URL) return;

  let echoed = '';
  const res = ws.connect(__ENV.WSS_URL, {}, (socket) => {
    socket.on('open', () => socket.send('secure'));
    socket.on('message', (m) => {
      echoed = m;
      socket.close();
    });
  });
  check(res, { 'wss handshake': (r) => r.status === 101 });
  check(echoed, { 'wss echo': (m) => m === 'secure' });
};
