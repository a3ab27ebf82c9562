// ✅ Good k6 load test
import http from 'k6/http';
import { check, sleep } from 'k6';
import { Rate, Trend } from 'k6/metrics';

// Custom metrics
const errorRate = new Rate('errors');
const responseTime = new Trend('response_time');

// Test configuration
export const options = {
  stages: [
    { duration: '5m', target: 100 },   // Ramp up to 100 users
    { duration: '15m', target: 100 },  // Stay at 100 users
    { duration: '5m', target: 300 },   // Ramp up to 300 users (peak)
    { duration: '15m', target: 300 },  // Stay at 300 users
    { duration: '5m', target: 0 },     // Ramp down to 0
  ],
  thresholds: {
    http_req_duration: ['p(50)<200', 'p(95)<500', 'p(99)<800'],
    errors: ['rate<0.01'],
    http_req_failed: ['rate<0.01'],
  },
};

export default function () {
  // Simulate user behavior
  
  // Login
  const loginRes = http.post('https://api.example.com/auth/login', {
    email: 'test@example.com',
    password: 'password123',
  });
  
  check(loginRes, {
    'login status is 200': (r) => r.status === 200,
    'login time < 300ms': (r) => r.timings.duration < 300,
  });
  
  errorRate.add(loginRes.status !== 200);
  responseTime.add(loginRes.timings.duration);
  
  sleep(1);
  
  // Get user data
  const headers = {
    Authorization: `Bearer ${loginRes.json('token')}`,
  };
  
  const userRes = http.get('https://api.example.com/users/me', {
    headers,
  });
  
  check(userRes, {
    'user fetch status is 200': (r) => r.status === 200,
    'user fetch time < 200ms': (r) => r.timings.duration < 200,
  });
  
  errorRate.add(userRes.status !== 200);
  responseTime.add(userRes.timings.duration);
  
  sleep(2);
  
  // List items
  const itemsRes = http.get('https://api.example.com/items?limit=20', {
    headers,
  });
  
  check(itemsRes, {
    'items fetch status is 200': (r) => r.status === 200,
    'items fetch time < 300ms': (r) => r.timings.duration < 300,
  });
  
  errorRate.add(itemsRes.status !== 200);
  responseTime.add(itemsRes.timings.duration);
  
  sleep(3);
}
