// k6/net/grpc with server reflection: no load(), the definitions come from the server (reflectMetadata goes with the reflection requests).
import grpc from 'k6/net/grpc';
import { check } from 'k6';

const client = new grpc.Client();

export const options = { vus: 1, iterations: 2 };

export default () => {
  client.connect(__ENV.GRPC_ADDR, { plaintext: true, reflect: true, reflectMetadata: { 'x-token': `reflect-${__ITER}` } });
  const response = client.invoke('hello.Greeter/SayHello', { name: 'Reflected', big: '9007199254740993' });
  check(response, {
    'reflected method works': (r) => r.status === grpc.StatusOK && r.message.message === 'Hello Reflected',
    'int64 beyond 2^53 survives as a string': (r) => r.message.big === '9007199254740993',
  });
  client.close();
};
