// k6/net/grpc: methods loaded from a protoset (a binary FileDescriptorSet) instead of .proto files, and client.healthCheck() as in k6's own example (examples/grpc_healthcheck.js).
import grpc from 'k6/net/grpc';
import { check } from 'k6';

const client = new grpc.Client();
const methods = client.loadProtoset(__ENV.PROTOSET);

export const options = { vus: 1, iterations: 2 };

export default () => {
  client.connect(__ENV.GRPC_ADDR, { plaintext: true });

  check(methods, {
    'loadProtoset returns the method infos': (m) =>
      m.some((i) => i.fullMethod === '/hello.Greeter/Count' && i.isServerStream && !i.isClientStream),
  });
  const res = client.invoke('hello.Greeter/SayHello', { name: 'protoset', big: '9007199254740993' });
  check(res, {
    'a call described by the protoset works': (r) =>
      r.status === grpc.StatusOK && r.message.message === 'Hello protoset' && r.message.big === '9007199254740993' && r.message.mood === 'HAPPY',
  });

  const response = client.healthCheck();
  check(response, { 'healthcheck status is OK': (r) => r && r.status === grpc.HealthCheckServing });
  check(client.healthCheck('hello.Greeter'), { 'a named service serves': (r) => r.status === grpc.HealthCheckServing });
  check(client.healthCheck('down.Service'), { 'a service that does not serve': (r) => r.status === grpc.HealthCheckNotServing });
  let thrown = '';
  try {
    client.healthCheck('no.Such');
  } catch (e) {
    thrown = String(e.message);
  }
  check(thrown, { 'an unknown service throws with its status': (t) => t.includes('5') && t.includes('unknown service') });
  check(null, {
    'serving-status constants as in k6': () =>
      grpc.HealthCheckUnknown === 0 && grpc.HealthCheckServing === 1 && grpc.HealthCheckNotServing === 2 && grpc.HealthCheckServiceUnkown === 3,
  });

  client.close();
};
