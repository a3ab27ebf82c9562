// Tests of the JUnit renderer: counts, failures for broken criteria and thresholds, skipped steps.
import { describe, expect, it } from 'vitest';
import {
  createSyntheticAudit,
  SYNTHETIC_SECRETS,
} from '../../results/__fixtures__/synthetic-audit.js';
import { createSyntheticRun } from '../../results/__fixtures__/synthetic-run.js';
import { createReportModelFromAudit } from '../model/create-from-audit.js';
import { createReportModelFromRun } from '../model/create-from-run.js';
import { renderJunit } from './render-junit.js';

const attr = (xml: string, name: string) =>
  Number(new RegExp(`<testsuites [^>]*${name}="(\\d+)"`).exec(xml)?.[1]);

describe('renderJunit', () => {
  it('passes a healthy audit, skipping the invalid step and the stress thresholds', () => {
    const xml = renderJunit(createReportModelFromAudit(createSyntheticAudit()));
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites')).toBe(true);
    expect(attr(xml, 'failures')).toBe(0);
    expect(xml).toContain('<skipped message="invalid: generator saturated (CPU 97%)"/>');
    expect(xml).toContain(
      '<skipped message="stress and spike steps are meant to break thresholds"/>',
    );
    const cases = xml.match(/<testcase /g)?.length;
    expect(attr(xml, 'tests')).toBe(cases);
    for (const s of SYNTHETIC_SECRETS) expect(xml).not.toContain(s);
    expect(xml).not.toContain('<script>');
  });

  it('fails on a broken criterion, a failed threshold and a critical finding', () => {
    const audit = createSyntheticAudit();
    const load = audit.steps.find((s) => s.kind === 'load')!;
    load.run.metrics.http_req_duration!.values['p(99)'] = 950;
    load.run.thresholds[0]!.ok = false;
    audit.findings[0]!.severity = 'critical';
    const xml = renderJunit(createReportModelFromAudit(audit));
    expect(attr(xml, 'failures')).toBe(3);
    expect(xml).toMatch(
      /<failure message="p99 Latency is 950ms, beyond the acceptable 800ms" type="criterion">/,
    );
    expect(xml).toMatch(/<failure message="http_req_duration p\(95\)&lt;800 failed/);
  });

  it('skips unmeasured criteria of a plain run', () => {
    const xml = renderJunit(createReportModelFromRun(createSyntheticRun()));
    expect(xml).toContain(
      'name="CPU Usage &lt; 70% (acceptable &lt; 80%)" time="0.000"><skipped message="not measured"/>',
    );
  });
});
