// A name k6/http does not export (a typo of a real API).
import { get, setResponseCallbak } from 'k6/http';

setResponseCallbak(null);

export default function () {
  get(`${__ENV.BASE_URL}/ok`);
}
