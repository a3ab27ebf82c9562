// The init context throws: exit code 107 and the error's position in this file.
import http from 'k6/http';

const config = JSON.parse(__ENV.CONFIG || '{broken');

export default function () {
  http.get(config.url);
}
