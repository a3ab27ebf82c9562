// TypeORM 0.2 (tslib generator awaiter) over PostgreSQL: GET /books runs one query per author.
require('reflect-metadata');
const http = require('node:http');
const { createConnection, EntitySchema } = require('typeorm');

const Author = new EntitySchema({
  name: 'ra_authors',
  columns: { id: { type: Number, primary: true } },
});
const Book = new EntitySchema({
  name: 'ra_books',
  columns: {
    id: { type: Number, primary: true },
    author_id: { type: Number },
    title: { type: String },
  },
});

async function booksOfEveryAuthor(connection) {
  const authors = await connection.getRepository('ra_authors').find({ order: { id: 'ASC' } });
  const titles = [];
  for (const author of authors) {
    const rows = await connection
      .getRepository('ra_books')
      .find({ where: { author_id: author.id } }); // N+1 HERE
    titles.push(...rows.map((r) => r.title));
  }
  return titles;
}

createConnection({
  type: 'postgres',
  url: process.env.DATABASE_URL,
  entities: [Author, Book],
}).then((connection) => {
  const server = http.createServer((req, res) => {
    if (req.url !== '/books') return void res.writeHead(404).end();
    booksOfEveryAuthor(connection).then(
      (titles) => res.writeHead(200).end(String(titles.length)),
      (error) => res.writeHead(500).end(String(error)),
    );
  });
  server.listen(0, '127.0.0.1', () => process.stdout.write(`listening ${server.address().port}\n`));
  process.on('SIGTERM', () => {
    server.close();
    connection.close().then(() => process.exit(0));
  });
});
