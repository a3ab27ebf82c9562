// http.file() multipart uploads (text and binary parts next to plain fields) and randomSeed() making Math.random repeatable.
import http from 'k6/http';
import { check, randomSeed } from 'k6';

const picture = open('./data/users.json', 'b');

export const options = { vus: 1, iterations: 2 };

export default function () {
  const res = http.post(`${__ENV.BASE_URL}/echo`, {
    note: 'hello',
    text: http.file('plain text body', 'note.txt', 'text/plain'),
    data: http.file(picture, 'users.json'),
  });
  check(res, {
    'multipart content type': (r) => r.json('headers.content-type').startsWith('multipart/form-data; boundary='),
    'text part with its file name': (r) => r.json('body').includes('filename="note.txt"') && r.json('body').includes('plain text body'),
    'binary part': (r) => r.json('body').includes('filename="users.json"') && r.json('body').includes('u4@example.com'),
    'plain field': (r) => r.json('body').includes('name="note"') && r.json('body').includes('hello'),
  });
  randomSeed(7);
  const first = [Math.random(), Math.random()];
  randomSeed(7);
  const second = [Math.random(), Math.random()];
  check(first, { 'randomSeed repeats the sequence': (f) => f[0] === second[0] && f[1] === second[1] && f[0] !== f[1] });
}
