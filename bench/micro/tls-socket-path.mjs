// The bare node:tls request loop, without Redline: C keep-alive connections each writing one
// prebuilt GET and waiting for its response (responses of a fixed length, counted by bytes), so
// the CPU per request of node:tls itself (TLSSocket writes, TLSWrap, OpenSSL) can be priced
// against plain node:net and against wrk on the same target. Prints one JSON line:
// { mode, requests, cpuUs: user+sys µs of this process over the steady window, usPerReq, cipher }.
// Usage: node bench/micro/tls-socket-path.mjs <mode> <url> [requests] [connections]
//   mode: tcp | tls (socket.write + onread, Redline's path) | tls-data ('data' events)
//         | tls-handle (TLSWrap.writeBuffer directly, no Writable) | tls-aes128 (TLS_AES_128_GCM_SHA256 offered only)
//         | tls-timed (tls plus the least any measuring tool does per request: a clock read when it
//           is sent and one when it is answered, the duration counted in Redline's FastRecorder;
//           needs `npm run build`): the floor under Redline's own work on node:tls
// The first 20 % of the requests warm up (JIT, handshakes) and are not counted.
import { connect as netConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';

const [mode, href, total = '20000', conns = '50'] = process.argv.slice(2);
const url = new URL(href);
const N = Number(total);
const C = Number(conns);
const WARM = Math.floor(N / 5);
const request = Buffer.from(`GET ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\n\r\n`);
const readBuffer = Buffer.allocUnsafe(64 * 1024);
let sent = 0;
let done = 0;
let responseLength = 0;
let startCpu = null;
let cipher = '';
const sockets = [];
const noop = () => {};
const WriteWrap = mode === 'tls-handle' ? process.binding('stream_wrap').WriteWrap : null;
const timed = mode === 'tls-timed';
const recorder = timed
  ? new (await import('../../dist/metrics/fast-recorder.js')).FastRecorder()
  : null;

function finish() {
  const cpu = process.cpuUsage(startCpu);
  const counted = done - WARM;
  const cpuUs = cpu.user + cpu.system;
  if (recorder && recorder.count === 0) throw new Error('tls-timed recorded nothing');
  console.log(
    JSON.stringify({ mode, requests: counted, cpuUs, usPerReq: cpuUs / counted, cipher }),
  );
  for (const s of sockets) s.destroy();
  process.exit(0);
}

function makeConnection() {
  let pending = 0;
  let socket;
  let sentAt = 0;
  const onBytes = (n, buf) => {
    if (responseLength === 0) {
      // The first response tells its length (head + Content-Length body), all later are equal.
      const text = buf.toString('latin1', 0, n);
      const headEnd = text.indexOf('\r\n\r\n') + 4;
      responseLength = headEnd + Number(/content-length: *(\d+)/i.exec(text)[1]);
    }
    pending += n;
    while (pending >= responseLength) {
      pending -= responseLength;
      if (recorder) recorder.record(Math.round((performance.now() - sentAt) * 1000));
      done++;
      if (done === WARM) startCpu = process.cpuUsage();
      if (done === N) finish();
      else if (sent < N) send();
    }
  };
  const send = () => {
    sent++;
    if (timed) sentAt = performance.now();
    if (mode === 'tls-handle') {
      // Straight to the TLSWrap handle, skipping the Writable stream (an experiment only:
      // process.binding is deprecated and this bypasses the socket's own write bookkeeping).
      const req = new WriteWrap();
      req.handle = socket._handle;
      req.oncomplete = noop;
      req.async = false;
      const err = socket._handle.writeBuffer(req, request);
      if (err) throw new Error(`writeBuffer ${err}`);
    } else socket.write(request);
  };
  const onread = {
    buffer: readBuffer,
    callback: (n, buf) => {
      onBytes(n, buf);
      return true;
    },
  };
  if (mode === 'tcp') {
    socket = netConnect({ host: url.hostname, port: Number(url.port), onread });
    socket.once('connect', send);
  } else {
    const options = {
      host: url.hostname,
      port: Number(url.port),
      rejectUnauthorized: false,
      ALPNProtocols: ['http/1.1'],
      ...(mode === 'tls-aes128' ? { ciphers: 'TLS_AES_128_GCM_SHA256' } : {}),
      ...(mode === 'tls-data' ? {} : { onread }),
    };
    socket = tlsConnect(options);
    if (mode === 'tls-data') socket.on('data', (b) => onBytes(b.length, b));
    socket.once('secureConnect', () => {
      cipher = socket.getCipher().standardName;
      send();
    });
  }
  socket.setNoDelay(true);
  socket.on('error', (e) => {
    console.error(e);
    process.exit(1);
  });
  sockets.push(socket);
}
for (let i = 0; i < C; i++) makeConnection();
setTimeout(() => {
  console.error('timed out');
  process.exit(2);
}, 120_000).unref();
