// k6/net/grpc: connecting to a port nobody listens on throws at once (refused: not retried, as in k6).
import grpc from 'k6/net/grpc';
import { check } from 'k6';

const client = new grpc.Client();
client.load(['grpc'], 'hello.proto');

export const options = { vus: 1, iterations: 1 };

export default () => {
  let thrown = '';
  try {
    client.connect(__ENV.DOWN_ADDR, { plaintext: true, timeout: '300ms' });
  } catch (e) {
    thrown = String(e.message);
  }
  check(thrown, { 'connect throws with the address': (t) => t.includes(__ENV.DOWN_ADDR) });
  let noConn = '';
  try {
    client.invoke('hello.Greeter/SayHello', {});
  } catch (e) {
    noConn = String(e.message);
  }
  check(noConn, { 'invoke without connect throws': (t) => t.includes('you must call connect first') });
};
