// Cost of the probe's own bookkeeping per request (query begin/finish + request end), without I/O (runs dist/).
// Usage: node bench/probe-hot-path.js [requests=300000] [queriesPerRequest=1]
import { startProbePipeline } from './probe-pipeline.mjs';

const N = Number(process.argv[2] ?? 300_000);
const Q = Number(process.argv[3] ?? 1);
const { targets, onEnd, beginQuery, finishQuery, createRequestState } = await startProbePipeline();
const request = { url: '/item', method: 'GET' };
const response = { statusCode: 200 };
function driverCall() {}

function run() {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < N; i++) {
    const state = createRequestState('GET', '/item');
    for (let q = 0; q < Q; q++) {
      const record = beginQuery(
        state,
        'pg',
        'SELECT id, name FROM authors WHERE id = $1',
        [(i + q) % 300],
        false,
        driverCall,
      );
      finishQuery(state, record, {
        rows: 1,
        columnNames: ['id', 'name'],
        rowsArray: [{ id: 1, name: 'x' }],
      });
    }
    onEnd(state, request, response);
  }
  return Number(process.hrtime.bigint() - t0) / N;
}

const rounds = [run(), run(), run()];
console.log(
  `probe bookkeeping: ${Q} quer${Q === 1 ? 'y' : 'ies'}/request, ${N} requests × 3 rounds: ${rounds.map((ns) => `${(ns / 1000).toFixed(2)} µs`).join(', ')} per request (last round is warm)`,
);
targets.stats.close();
