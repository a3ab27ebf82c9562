// Custom Counter, Gauge, Rate and Trend (isTime), with tags, and thresholds on them and on their tagged sub-metrics.
import http from 'k6/http';
import { Counter, Gauge, Rate, Trend } from 'k6/metrics';

const orders = new Counter('orders_placed');
const queue = new Gauge('queue_depth');
const success = new Rate('order_success');
const latency = new Trend('order_latency', true);
const size = new Trend('payload_size');

export const options = {
  vus: 1,
  iterations: 5,
  thresholds: {
    orders_placed: ['count==10'],
    'orders_placed{kind:express}': ['count==5'],
    queue_depth: ['value==5'],
    order_success: ['rate>=0.8'],
    'order_success{kind:express}': ['rate==1'],
    order_latency: ['p(95)<5000', 'max>0'],
    payload_size: ['avg==50', 'min==10', 'max==90'],
  },
};

export default function () {
  const res = http.get(`${__ENV.BASE_URL}/ok`);
  orders.add(1, { kind: 'express' });
  orders.add(1, { kind: 'standard' });
  queue.add(__ITER + 1);
  success.add(res.status === 200, { kind: 'express' });
  success.add(__ITER !== 0, { kind: 'standard' });
  latency.add(res.timings.duration);
  size.add(10 + __ITER * 20);
}
