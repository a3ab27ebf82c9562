// What belongs to one k6/net/grpc call stays with it: two methods of the same name in different
// packages each use their own message types, metadata is sent only with the call that passes
// it, a timeout is the call's own (0 means k6's default), an unparsable response is Internal, and
// a params object the script reuses with its tags changed in place tags each call as it is then.
import grpc from 'k6/net/grpc';
import { check } from 'k6';

const client = new grpc.Client();
const reused = { tags: { round: 'none' } };
client.load(['grpc'], 'hello.proto', 'other.proto');

export const options = { vus: 1, iterations: 3 };

export default () => {
  if (__ITER === 0) client.connect(__ENV.OTHER_ADDR, { plaintext: true });

  const hello = client.invoke('hello.Greeter/SayHello', { name: 'A' }, { metadata: { 'x-token': `call-${__ITER}` } });
  const other = client.invoke('other.Greeter/SayHello', { id: String(7 + __ITER) });
  check(null, {
    'same method name, other package: its own message types': () =>
      hello.message.message === 'Hello A' && other.message.id === String(7 + __ITER) && other.message.echoed === true && other.message.message === undefined,
    'metadata only on the call that passes it': () =>
      hello.headers['x-token-seen'][0] === `call-${__ITER}` && other.headers['x-token-seen'][0] === '',
  });

  // The server answers Slow after SLOW_MS: a short timeout ends that call only.
  const late = client.invoke('other.Greeter/Slow', { id: '1' }, { timeout: '50ms' });
  const waited = client.invoke('other.Greeter/Slow', { id: '2' });
  const zero = client.invoke('other.Greeter/Slow', { id: '3' }, { timeout: 0 });
  check(null, {
    'a timeout ends its own call': () => late.status === grpc.StatusDeadlineExceeded && late.message === null,
    'the next call has the default deadline': () => waited.status === grpc.StatusOK && waited.message.id === '2',
    'timeout 0 is the default deadline': () => zero.status === grpc.StatusOK && zero.message.id === '3',
  });

  reused.tags.round = `r${__ITER}a`;
  client.invoke('other.Greeter/SayHello', { id: '5' }, reused);
  reused.tags.round = `r${__ITER}b`;
  client.invoke('other.Greeter/SayHello', { id: '6' }, reused);

  const garbled = client.invoke('other.Greeter/Garbled', { id: '4' });
  check(garbled, {
    'an unparsable response is Internal': (r) =>
      r.status === grpc.StatusInternal && r.message === null && r.error.message.includes('Response message parsing error'),
  });
};
