// One iteration with one VU (far shorter than a sampling period): vus is still seen as 1.
import http from 'k6/http';

export const options = { thresholds: { vus: ['value==1'] } };

export default function () {
  http.get(`${__ENV.BASE_URL}/ok`);
}
