// knex 0.19 (bluebird promises) over PostgreSQL: GET /books runs one query per author (an N+1).
const http = require('node:http');
const knex = require('knex')({
  client: 'pg',
  connection: process.env.DATABASE_URL,
  pool: { min: 0, max: 4 },
});

async function booksOfEveryAuthor() {
  const authors = await knex('ra_authors').select('id').orderBy('id');
  const titles = [];
  for (const author of authors) {
    const rows = await knex('ra_books').select('title').where({ author_id: author.id }); // N+1 HERE
    titles.push(...rows.map((r) => r.title));
  }
  return titles;
}

const server = http.createServer((req, res) => {
  if (req.url !== '/books') return void res.writeHead(404).end();
  booksOfEveryAuthor().then(
    (titles) => res.writeHead(200).end(String(titles.length)),
    (error) => res.writeHead(500).end(String(error)),
  );
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`listening ${server.address().port}\n`));
process.on('SIGTERM', () => {
  server.close();
  knex.destroy().then(() => process.exit(0));
});
