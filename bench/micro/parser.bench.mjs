// Micro-benchmark of the response parser on nginx-like responses (discarding bodies, as in quick
// mode), one response per read and 10 pipelined responses per read. Run after `npm run build`.
import { ResponseParser } from '../../dist/http/response-parser.js';

const one = Buffer.from(
  'HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\nDate: Thu, 26 Nov 2026 19:00:00 GMT\r\nContent-Type: text/plain\r\nContent-Length: 6\r\nConnection: keep-alive\r\n\r\nhello\n',
);
const ten = Buffer.concat(Array.from({ length: 10 }, () => one));
let completed = 0;
const parser = new ResponseParser({
  onResponseBegin() {},
  onResponseHead() {},
  onResponseComplete() {
    completed++;
  },
});

for (const [label, buf, per] of [
  ['1 response per read', one, 1],
  ['10 pipelined responses per read', ten, 10],
]) {
  const reads = 2_000_000 / per;
  for (let i = 0; i < reads / 10; i++) parser.execute(buf, 0, buf.length);
  completed = 0;
  const start = process.hrtime.bigint();
  for (let i = 0; i < reads; i++) parser.execute(buf, 0, buf.length);
  const ns = Number(process.hrtime.bigint() - start) / completed;
  console.log(
    `${label.padEnd(34)} ${ns.toFixed(0)} ns/response (${(1e9 / ns / 1e6).toFixed(2)} M responses/s)`,
  );
}
