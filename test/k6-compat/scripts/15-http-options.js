// Test-wide HTTP options: options.hosts (a made-up name mapped to the server), userAgent, discardResponseBodies (with responseType override), noConnectionReuse, and summaryTrendStats.
import http from 'k6/http';
import { check } from 'k6';

const port = __ENV.BASE_URL.split(':').pop();

export const options = {
  vus: 1,
  iterations: 3,
  hosts: { 'shop.internal': `127.0.0.1:${port}` },
  userAgent: 'corpus-agent/1.0',
  discardResponseBodies: true,
  noConnectionReuse: true,
  summaryTrendStats: ['min', 'med', 'p(99)', 'max'],
};

export default function () {
  const discarded = http.get('http://shop.internal/echo');
  check(discarded, {
    'hosts mapped the name': (r) => r.status === 200,
    'body discarded': (r) => r.body === null || r.body === undefined,
  });
  const kept = http.get('http://shop.internal/echo', { responseType: 'text' });
  check(kept, {
    'responseType text keeps the body': (r) => typeof r.body === 'string' && r.json('method') === 'GET',
    'user agent sent': (r) => r.json('headers.user-agent') === 'corpus-agent/1.0',
    'host header is the original name': (r) => r.json('headers.host') === 'shop.internal',
    'connection close asked': (r) => r.json('headers.connection') === 'close',
  });
}
