// k6/net/grpc large messages: 3 MB each way under the 4 MB defaults; a 5 MB request refused by the server, and connect's maxSendSize / maxReceiveSize limits enforced by the client, each with status ResourceExhausted.
import grpc from 'k6/net/grpc';
import { check } from 'k6';

const client = new grpc.Client();
client.load(['grpc'], 'hello.proto');
const limited = new grpc.Client();
limited.load(['grpc'], 'hello.proto');

export const options = { iterations: 1 };

export default () => {
  client.connect(__ENV.GRPC_ADDR, { plaintext: true });
  const big = 'x'.repeat(3 * 1024 * 1024);
  const res = client.invoke('hello.Greeter/SayHello', { name: big });
  check(res, {
    '3 MB each way': (r) => r.status === grpc.StatusOK && r.message.message.length === big.length + 6,
  });
  const tooBig = client.invoke('hello.Greeter/SayHello', { name: 'x'.repeat(5 * 1024 * 1024) });
  check(tooBig, { '5 MB refused by the server': (r) => r.status === grpc.StatusResourceExhausted });
  client.close();

  limited.connect(__ENV.GRPC_ADDR, { plaintext: true, maxSendSize: 1024, maxReceiveSize: 1024 });
  const send = limited.invoke('hello.Greeter/SayHello', { name: 'y'.repeat(2048) });
  check(send, { 'over maxSendSize': (r) => r.status === grpc.StatusResourceExhausted });
  // A 1,023-byte request (under maxSendSize) whose 1,031-byte reply is over maxReceiveSize.
  const receive = limited.invoke('hello.Greeter/SayHello', { name: 'z'.repeat(1020) });
  check(receive, { 'reply over maxReceiveSize': (r) => r.status === grpc.StatusResourceExhausted });
  const small = limited.invoke('hello.Greeter/SayHello', { name: 'ok' });
  check(small, { 'small call still OK': (r) => r.status === grpc.StatusOK && r.message.message === 'Hello ok' });
  limited.close();
};
