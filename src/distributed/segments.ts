/**
 * Which execution segment each agent runs: segment i of one sequence covering the whole test
 * (k6's syntax, config/execution-segment.ts): the user's `--execution-segment-sequence`, or N
 * equal parts `0,1/N,…,1`. The parts add up exactly to the whole test (k6 striping).
 */

import { ExitCode } from '../errors/exit-codes.js';
import { RedlineError } from '../errors/redline-error.js';
import {
  ExecutionSegmentError,
  parseExecutionSegmentSequence,
  segmentText,
} from '../executors/execution-segment.js';

/** The sequence text and each agent's segment text (index = agent index). */
export function segmentsOf(
  agents: number,
  sequenceText?: string,
): { sequence: string; segments: string[] } {
  if (sequenceText === undefined || sequenceText.trim() === '') {
    const points = Array.from({ length: agents + 1 }, (_, i) =>
      i === 0 ? '0' : i === agents ? '1' : `${i}/${agents}`,
    );
    const sequence = points.join(',');
    return { sequence, segments: parseExecutionSegmentSequence(sequence).map(segmentText) };
  }
  try {
    const parsed = parseExecutionSegmentSequence(sequenceText);
    const covered =
      parsed[0] &&
      segmentText(parsed[0]).startsWith('0:') &&
      /:1$/.test(segmentText(parsed.at(-1)!));
    if (parsed.length !== agents || !covered)
      throw new ExecutionSegmentError(
        `it has ${parsed.length} segments${covered ? '' : ' and does not cover 0 to 1'}; a run with --agents ${agents} needs ${agents} covering the whole test`,
      );
    return { sequence: sequenceText, segments: parsed.map(segmentText) };
  } catch (error) {
    if (!(error instanceof ExecutionSegmentError)) throw error;
    throw new RedlineError(
      'E_DISTRIBUTED_SEQUENCE',
      `invalid --execution-segment-sequence for a distributed run: ${error.message}`,
      {
        exitCode: ExitCode.InvalidConfig,
        hint: `give one segment per agent, e.g. --agents 2 --execution-segment-sequence 0,1/3,1 (or omit it for equal parts)`,
      },
    );
  }
}
