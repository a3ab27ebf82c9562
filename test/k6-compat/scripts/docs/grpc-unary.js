// k6's unary gRPC example (docs: using-k6/protocols/grpc): load definitions/hello.proto, connect
// with default (TLS) parameters, invoke hello.HelloService/SayHello, check StatusOK, log the
// message, close, sleep. Only the address differs from the documentation.
import { Client, StatusOK } from 'k6/net/grpc';
import { check, sleep } from 'k6';

const client = new Client();
client.load(['definitions'], 'hello.proto');

export default () => {
  client.connect('127.0.0.1:10000', {});

  const data = { greeting: 'Bert' };
  const response = client.invoke('hello.HelloService/SayHello', data);

  check(response, {
    'status is OK': (r) => r && r.status === StatusOK,
  });

  console.log(JSON.stringify(response.message));

  client.close();
  sleep(1);
};
