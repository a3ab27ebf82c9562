// How a live calibration run's planted problem is judged when the machine may have starved the
// service: the profiler either raises the rule or says, in its own `capture.not-measurable` note,
// that it could not judge it (docs/rules.md, "Starved runs say 'not measurable'"). Silence on a
// planted problem is a miss; a rule both raised and "not judged" is a contradiction.
import type { Finding } from '../../src/findings/finding.js';
import { NOT_JUDGED_LABEL } from '../../src/profiler/analysis/diagnosis-findings.js';

/**
 * The rules a run's "not measurable" note names (the machine starved the service and the evidence
 * was too thin to decide either way): a planted problem there is neither found nor missed.
 */
export function notJudged(findings: readonly Finding[]): Set<string> {
  const note = findings.find((f) => f.id === 'capture.not-measurable');
  const listed = note?.evidence.find((e) => e.label === NOT_JUDGED_LABEL)?.value;
  return new Set(typeof listed === 'string' ? listed.split(', ') : []);
}

/** What a run said about one planted rule. */
export type PlantedVerdict = 'found' | 'not-measurable' | 'missed' | 'contradiction';

/**
 * Judges one planted rule: `found` when raised and not named by the note, `not-measurable` when
 * only the note names it, `missed` when neither (silence), `contradiction` when both.
 */
export function plantedVerdict(findings: readonly Finding[], rule: string): PlantedVerdict {
  const raised = findings.some((f) => f.id === rule);
  const unjudged = notJudged(findings).has(rule);
  if (raised && unjudged) return 'contradiction';
  if (raised) return 'found';
  return unjudged ? 'not-measurable' : 'missed';
}
