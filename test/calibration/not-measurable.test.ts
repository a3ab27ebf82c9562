// The verdict the live calibration tests accept on a planted problem, checked on recorded runs:
// the starved path (the run's own "not measurable" note) cannot be produced on demand live, so the
// recordings of gc-churn and blocked-loop that missed their problem at load 22 plus two spinners
// (starved-thin-signals.json) stand in for it, and the quiet-machine recording of gc-churn for the
// found path.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/findings/finding.js';
import { diagnoseSignals } from '../../src/profiler/analysis/diagnose.js';
import {
  createDiagnosisFindings,
  notMeasurableNote,
} from '../../src/profiler/analysis/diagnosis-findings.js';
import type { ServiceSignals } from '../../src/profiler/capture/signals.js';
import { notJudged, plantedVerdict } from './not-measurable.js';
import { CORPUS_DIR } from './truth.js';

/** The findings the diagnosis of a recorded run gives (the signal rules and the note). */
function recordedFindings(name: string, file: string): Finding[] {
  const r = JSON.parse(readFileSync(join(CORPUS_DIR, name, file), 'utf8')) as {
    gcShareOfCpu: number;
    signals: ServiceSignals;
  };
  const d = diagnoseSignals(r.signals, { gcShareOfCpu: r.gcShareOfCpu });
  const findings = createDiagnosisFindings(d, r.signals, []);
  const note = notMeasurableNote(d);
  return note ? [...findings, note] : findings;
}

describe('plantedVerdict', () => {
  it('starved thin runs: the planted rule is "not measurable", not missed', () => {
    for (const [name, rule] of [
      ['gc-churn', 'gc.pressure'],
      ['blocked-loop', 'event-loop.blocked'],
    ] as const) {
      const findings = recordedFindings(name, 'starved-thin-signals.json');
      expect(notJudged(findings), name).toContain(rule);
      expect(plantedVerdict(findings, rule), name).toBe('not-measurable');
      // Without the note the same run would be a silent miss.
      const silent = findings.filter((f) => f.id !== 'capture.not-measurable');
      expect(plantedVerdict(silent, rule), name).toBe('missed');
    }
  });

  it('a starved run that still found gc-churn: "found", and the note does not name it', () => {
    const findings = recordedFindings('gc-churn', 'starved-signals.json');
    expect(plantedVerdict(findings, 'gc.pressure')).toBe('found');
  });

  it('a rule both raised and named by the note is a contradiction', () => {
    const findings = recordedFindings('blocked-loop', 'starved-thin-signals.json');
    const raised = findings.find((f) => f.id === 'capture.not-measurable');
    expect(raised).toBeDefined();
    const both = [...findings, { ...(raised as Finding), id: 'event-loop.blocked' }];
    expect(plantedVerdict(both, 'event-loop.blocked')).toBe('contradiction');
  });
});
