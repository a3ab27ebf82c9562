// k6/crypto hashers as k6 (digest() twice, update after digest, k6's encodings) and the metric
// constructors called without `new`, as k6's JS engine allows.
import { check } from 'k6';
import { createHash, createHMAC, hexEncode, hmac, sha256 } from 'k6/crypto';
import { Counter, Gauge, Rate, Trend } from 'k6/metrics';

export const options = {
  vus: 1,
  iterations: 2,
  thresholds: { plain_trend: ['max==12'], plain_counter: ['count==4'] },
};

const trend = Trend('plain_trend', true);
const counter = Counter('plain_counter');
const rate = Rate('plain_rate');
const gauge = Gauge('plain_gauge');
const withNew = new Trend('new_trend');

export default function () {
  trend.add(12);
  counter.add(2);
  rate.add(true);
  gauge.add(7);
  withNew.add(1);
  const h = createHash('sha256');
  h.update('a');
  const first = h.digest('hex');
  const again = h.digest('hex');
  h.update('bc');
  const after = h.digest('hex');
  const m = createHMAC('sha256', 'key');
  m.update('The quick brown fox ');
  const partial = m.digest('hex');
  m.update('jumps over the lazy dog');
  check(null, {
    'digest twice gives the same value': () => first === again && first === sha256('a', 'hex'),
    'update after digest continues': () => after === sha256('abc', 'hex'),
    'hmac digest twice': () =>
      partial === hmac('sha256', 'key', 'The quick brown fox ', 'hex') &&
      m.digest('hex') === hmac('sha256', 'key', 'The quick brown fox jumps over the lazy dog', 'hex'),
    'base64url is padded as Go': () => sha256('a', 'base64url').endsWith('='),
    'base64rawurl is not': () => !sha256('a', 'base64rawurl').endsWith('='),
    'hexEncode': () => hexEncode(new Uint8Array([1, 255]).buffer) === '01ff',
    'metrics are instances': () => trend instanceof Trend && counter instanceof Counter,
  });
}
