import http from 'node:http';
const withProbe = process.argv[2] === 'on';
if (withProbe) { const { startProbe } = await import('./dist/probe/index.js'); const { parseProbeConfig } = await import('./dist/probe/config.js'); await startProbe(parseProbeConfig({}, process.cwd())); }
const pg = (await import('pg')).default;
const pool = new pg.Pool({ connectionString: 'postgres://postgres@127.0.0.1/rl_prof', max: 8 });
let next = 0;
const server = http.createServer(async (req, res) => {
  next = (next % 300) + 1;
  const { rows } = await pool.query('SELECT id, name FROM authors WHERE id = $1', [next]);
  res.end(JSON.stringify(rows[0]));
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
const get = () => new Promise((resolve) => http.get({ host: '127.0.0.1', port: server.address().port, path: '/item', agent }, (res) => { res.resume(); res.on('end', resolve); }));
async function load(n) { let i = 0; await Promise.all(Array.from({ length: 8 }, async () => { while (i++ < n) await get(); })); }
await load(2000);
const c0 = process.cpuUsage(); const t0 = performance.now();
await load(8000);
const c = process.cpuUsage(c0); const ms = performance.now() - t0;
console.log(withProbe ? 'on ' : 'off', 'cpu µs/req', ((c.user + c.system) / 8000).toFixed(1), 'req/s', (8000 / ms * 1000).toFixed(0));
server.close(); await pool.end(); agent.destroy(); process.exit(0);
