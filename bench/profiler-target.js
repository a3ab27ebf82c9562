// Benchmark target for bench/profiler-overhead.js: a small JSON API (parse query, build, serialise).
import { createServer } from 'node:http';

const products = Array.from({ length: 200 }, (_, i) => ({
  id: i,
  name: `product-${i}`,
  price: (i * 7.31) % 100,
  tags: [`t${i % 7}`, `c${i % 13}`],
}));

function search(term, limit) {
  const out = [];
  for (const p of products) {
    if (p.name.includes(term) || p.tags.includes(term))
      out.push({ ...p, score: p.price * 0.3 + p.id * 0.01 });
    if (out.length >= limit) break;
  }
  return out.sort((a, b) => b.score - a.score);
}

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  const items = search(url.searchParams.get('q') ?? '1', 25);
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ count: items.length, items }));
});
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
