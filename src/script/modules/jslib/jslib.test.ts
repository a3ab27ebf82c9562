import { describe, expect, it } from 'vitest';
import { jUnit, textSummary } from './k6-summary.js';
import {
  findBetween,
  normalDistributionStages,
  randomIntBetween,
  randomItem,
  randomString,
  uuidv4,
} from './k6-utils.js';

describe('jslib k6-utils (native)', () => {
  it('randomIntBetween covers both bounds and nothing outside', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) seen.add(randomIntBetween(1, 3));
    expect([...seen].sort()).toEqual([1, 2, 3]);
    expect(randomIntBetween(7, 7)).toBe(7);
  });

  it('randomItem, randomString and uuidv4 have the documented shapes', () => {
    expect(['a', 'b', 'c']).toContain(randomItem(['a', 'b', 'c']));
    expect(randomString(12)).toMatch(/^[a-z]{12}$/);
    expect(randomString(6, 'ab')).toMatch(/^[ab]{6}$/);
    expect(randomString(0)).toBe('');
    const ids = new Set(Array.from({ length: 50 }, () => uuidv4()));
    expect(ids.size).toBe(50);
    for (const id of ids)
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('normalDistributionStages ramps up, follows a bell curve to maxVus, and ramps down to 0', () => {
    expect(normalDistributionStages(10, 20, 5)).toEqual([
      { duration: '4s', target: 1 },
      { duration: '3s', target: 5 },
      { duration: '3s', target: 10 },
      { duration: '3s', target: 10 },
      { duration: '3s', target: 5 },
      { duration: '3s', target: 1 },
      { duration: '4s', target: 0 },
    ]);
    const ten = normalDistributionStages(100, 60);
    expect(ten).toHaveLength(12);
    expect(Math.max(...ten.map((s) => s.target))).toBe(100);
    expect(ten[5]).toEqual({ duration: '4s', target: 100 });
  });

  it('findBetween returns the first match, every match with repeat, and empty values otherwise', () => {
    const html = '<div class="m">Message 1</div><div class="m">Message 2</div>';
    expect(findBetween(html, '<div class="m">', '</div>')).toBe('Message 1');
    expect(findBetween(html, '<div class="m">', '</div>', true)).toEqual([
      'Message 1',
      'Message 2',
    ]);
    expect(findBetween(html, '<span>', '</span>')).toBe('');
    expect(findBetween(html, '<span>', '</span>', true)).toEqual([]);
    expect(findBetween('a[]b', '[', ']')).toBe('');
    expect(findBetween('"token":"abc"', '"token":"', '"')).toBe('abc');
  });
});

describe('jslib k6-summary (native)', () => {
  const data = {
    metrics: {
      http_req_duration: {
        type: 'trend' as const,
        contains: 'time',
        values: { avg: 12.5, min: 0.5, med: 10, max: 1500, 'p(90)': 20, 'p(95)': 30 },
        thresholds: { 'p(95)<500': { ok: true } },
      },
      'http_req_duration{expected_response:true}': {
        type: 'trend' as const,
        contains: 'time',
        values: { avg: 12.5, min: 0.5, med: 10, max: 1500, 'p(90)': 20, 'p(95)': 30 },
      },
      http_req_failed: {
        type: 'rate' as const,
        values: { rate: 0.25, passes: 1, fails: 3 },
        thresholds: { 'rate<0.01': { ok: false } },
      },
      iterations: { type: 'counter' as const, values: { count: 4, rate: 2 } },
      data_received: {
        type: 'counter' as const,
        contains: 'data',
        values: { count: 2500, rate: 1250 },
      },
      vus: { type: 'gauge' as const, values: { value: 2, min: 1, max: 2 } },
    },
    root_group: {
      name: '',
      checks: [{ name: 'status 200', passes: 4, fails: 0 }],
      groups: [{ name: 'login', checks: [{ name: 'has token', passes: 3, fails: 1 }], groups: [] }],
    },
    options: { summaryTrendStats: ['avg', 'p(95)', 'max'] },
  };

  it('textSummary lists checks by group and every metric with its values and threshold outcome', () => {
    const text = textSummary(data, { indent: ' ', enableColors: false });
    expect(text).toContain('    ✓ status 200');
    expect(text).toContain(' █ login');
    expect(text).toContain('✗ has token');
    expect(text).toContain('↳  75% — ✓ 3 / ✗ 1');
    expect(text).toMatch(/ ✓ http_req_duration\.+: avg=12\.5ms p\(95\)=30ms max=1\.5s\n/);
    expect(text).toMatch(/ {4}\{expected_response:true\}\.+: avg=12\.5ms/);
    expect(text).toMatch(/ ✗ http_req_failed\.+: 25% ✓ 1 ✗ 3\n/);
    expect(text).toMatch(/ {3}iterations\.+: 4 2\/s\n/);
    expect(text).toMatch(/data_received\.+: 2\.5 kB 1\.3 kB\/s\n/);
    expect(text).toMatch(/vus\.+: 2 min=1 max=2\n/);
    expect(text).not.toContain('\u001b[');
    expect(textSummary(data, { enableColors: true })).toContain('\u001b[31m✗\u001b[0m');
  });

  it('jUnit writes one test case per threshold, failures for the failed ones', () => {
    const xml = jUnit(data, { name: 'my suite', classname: 'api' });
    expect(xml).toContain('<testsuites tests="2" failures="1">');
    expect(xml).toContain('<testsuite name="my suite" tests="2" failures="1">');
    expect(xml).toContain('<testcase name="http_req_duration - p(95)&lt;500" classname="api" />');
    expect(xml).toContain(
      '<testcase name="http_req_failed - rate&lt;0.01" classname="api"><failure message="failed" /></testcase>',
    );
  });
});
