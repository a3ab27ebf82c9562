import { describe, expect, it } from 'vitest';
import { segmentsOf } from './segments.js';

describe('segmentsOf', () => {
  it('splits the test into N equal segments of one sequence', () => {
    expect(segmentsOf(4)).toEqual({
      sequence: '0,1/4,2/4,3/4,1',
      segments: ['0:1/4', '1/4:1/2', '1/2:3/4', '3/4:1'],
    });
    expect(segmentsOf(1)).toEqual({ sequence: '0,1', segments: ['0:1'] });
  });

  it('takes the user sequence when it has one segment per agent and covers the test', () => {
    expect(segmentsOf(2, '0,1/3,1').segments).toEqual(['0:1/3', '1/3:1']);
    expect(() => segmentsOf(3, '0,1/3,1')).toThrow(/2 segments.*--agents 3/);
    expect(() => segmentsOf(2, '0,1/3,1/2')).toThrow(/does not cover 0 to 1/);
    expect(() => segmentsOf(2, '0,x,1')).toThrow(/invalid --execution-segment-sequence/);
  });
});
