// A blocking call inside a sort comparator cannot be awaited: the transform refuses it with file:line.
import http from 'k6/http';

export default function () {
  const ids = ['1', '2', '3'];
  ids.sort(
    (a, b) => http.get(`${__ENV.BASE_URL}/ok?${a}`).timings.duration - http.get(`${__ENV.BASE_URL}/ok?${b}`).timings.duration,
  );
}
