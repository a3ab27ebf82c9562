// k6/net/grpc in k6's documentation style: load a proto in the init context, connect, invoke with metadata, check status and message, close.
import grpc from 'k6/net/grpc';
import { check } from 'k6';

const client = new grpc.Client();
const methods = client.load(['grpc'], 'hello.proto');

export const options = { vus: 2, iterations: 4, thresholds: { 'grpc_req_duration{status:0}': ['max<60000'] } };

export default () => {
  client.connect(__ENV.GRPC_ADDR, { plaintext: true, timeout: '10s' });

  const data = { name: 'Bert', big: '12345678901234', blob: 'AAEC' };
  const response = client.invoke('hello.Greeter/SayHello', data, { metadata: { 'x-token': 'secret-1' }, tags: { call: 'hello' } });
  check(response, {
    'status is OK': (r) => r && r.status === grpc.StatusOK,
    'message in JSON form': (r) => r.message.message === 'Hello Bert' && r.message.mood === 'HAPPY' && r.message.big === '12345678901234' && r.message.size === 3,
    'headers and trailers': (r) => r.headers['x-server'][0] === 'redline-test' && r.headers['x-token-seen'][0] === 'secret-1' && r.trailers['x-trailer'][0] === 'done',
  });

  const failed = client.invoke('/hello.Greeter/Fail', { name: 'nobody' });
  check(failed, {
    'error status returned, not thrown': (r) => r.status === grpc.StatusNotFound && r.error.message === 'no such user' && r.message === null,
  });

  const slow = client.invoke('hello.Greeter/Slow', { name: 'late' }, { timeout: '200ms' });
  check(slow, { 'deadline exceeded': (r) => r.status === grpc.StatusDeadlineExceeded });

  let thrown = '';
  try {
    client.invoke('hello.Greeter/Nope', {});
  } catch (e) {
    thrown = String(e.message);
  }
  check(thrown, { 'unknown method throws': (t) => t.includes('not found in file descriptors') });

  const asyncResult = client.asyncInvoke('hello.Greeter/SayHello', { name: 'Async' });
  return asyncResult.then((r) => {
    check(r, { 'asyncInvoke resolves': (x) => x.message.message === 'Hello Async' });
    check(methods, { 'load returns method infos': (m) => m.some((x) => x.fullMethod === '/hello.Greeter/Count' && x.isServerStream) });
    client.close();
  });
};
