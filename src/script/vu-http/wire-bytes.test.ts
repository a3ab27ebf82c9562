// A VU's WebSocket/gRPC sockets in data_sent / data_received: each byte counted once (flushes
// between, at and after the close), in the VU's current group, none after end(); a VU without such
// sockets records nothing.
import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { freshThreadRuntimes } from '../../../test/helpers/thread-runtime.js';
import type { VuState } from '../runtime/vu-state.js';
import { VuSeries } from './series-cache.js';
import { WireBytes } from './wire-bytes.js';

const freshRuntime = freshThreadRuntimes();

let server: Server | undefined;
afterEach(
  () => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())),
);

/** An echo server; resolves the client socket, connected, and the server's side of it. */
async function pair(): Promise<{ client: Socket; peer: Promise<Socket> }> {
  let gotPeer: (s: Socket) => void = () => {};
  const peer = new Promise<Socket>((resolve) => {
    gotPeer = resolve;
  });
  server = createServer((s) => {
    s.on('data', (d) => s.write(d));
    gotPeer(s);
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const client = connect(typeof address === 'object' && address ? address.port : 0, '127.0.0.1');
  await new Promise((resolve) => client.once('connect', resolve));
  return { client, peer };
}

function vuIn(group: string): VuState {
  return { scenario: { name: 's', tags: {} }, group, tags: {} } as unknown as VuState;
}

/**
 * A VU in `group` whose WireBytes tracks the client side of an echo connection, after `bytes`
 * bytes went there and back.
 */
async function trackedEcho(group: string, bytes: number) {
  freshRuntime();
  const vu = vuIn(group);
  const series = new VuSeries(() => vu);
  const wire = new WireBytes(() => series.network());
  const { client, peer } = await pair();
  wire.track(client);
  client.write('x'.repeat(bytes));
  await new Promise((resolve) => client.once('data', resolve));
  return { vu, series, wire, client, peer };
}

describe('WireBytes', () => {
  it('counts each byte of a tracked socket once, whatever the flushes, in the current group', async () => {
    const { vu, series, wire, client, peer } = await trackedEcho('', 100);
    wire.flush();
    wire.flush();
    const root = series.network();
    expect(root.sent.sum).toBe(100);
    expect(root.received.sum).toBe(100);
    vu.group = '::g';
    client.end('y'.repeat(10));
    const far = await peer;
    await new Promise((resolve) => client.once('close', resolve));
    wire.flush();
    const inGroup = series.network();
    expect(inGroup.sent.sum).toBe(10);
    expect(root.sent.sum + inGroup.sent.sum).toBe(far.bytesRead);
    expect(root.received.sum + inGroup.received.sum).toBe(far.bytesWritten);
  });

  it('records nothing for a VU without tracked sockets (its HTTP bytes are counted per request)', async () => {
    freshRuntime();
    const vu = vuIn('');
    const series = new VuSeries(() => vu);
    const wire = new WireBytes(() => series.network());
    const { client } = await pair();
    client.write('not tracked');
    await new Promise((resolve) => client.once('data', resolve));
    wire.flush();
    expect(series.network().sent.sum).toBe(0);
    expect(series.network().received.sum).toBe(0);
    client.destroy();
  });
  it('end() records what was moved and stops counting (what moves later is never reported, as k6)', async () => {
    const { series, wire, client, peer } = await trackedEcho('::setup', 40);
    wire.end();
    client.end('after');
    await peer;
    await new Promise((resolve) => client.once('close', resolve));
    wire.flush();
    expect(series.network().sent.sum).toBe(40);
    expect(series.network().received.sum).toBe(40);
  });
  it('stopReceiving() counts no byte read afterwards; what is sent still counts', async () => {
    const { series, wire, client, peer } = await trackedEcho('', 30);
    wire.stopReceiving(client);
    client.write('b'.repeat(20));
    await new Promise((resolve) => client.once('data', resolve));
    client.end();
    const far = await peer;
    await new Promise((resolve) => client.once('close', resolve));
    expect(series.network().sent.sum).toBe(50);
    expect(series.network().received.sum).toBe(30);
    expect(far.bytesWritten).toBe(50);
  });
});
