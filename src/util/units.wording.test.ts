// Wording of signed and relative numbers (issue 13 §2: "0.9× faster", "Impact: +-556.6 kB").
import { describe, expect, it } from 'vitest';
import { formatSignedBytes, formatSpeedup } from './units.js';

describe('formatSpeedup', () => {
  it('says slower below 1 and faster above, never "0.9× faster"', () => {
    expect(formatSpeedup(3.24)).toBe('3.2× faster');
    expect(formatSpeedup(0.9)).toBe('1.1× slower');
    expect(formatSpeedup(0.25)).toBe('4.0× slower');
    expect(formatSpeedup(1.01)).toBe('no faster (1.01×)');
    expect(formatSpeedup(Number.POSITIVE_INFINITY)).toMatch(/^faster/);
  });
});

describe('formatSignedBytes', () => {
  it('puts one sign in front: +1.2 MB, −556.6 kB', () => {
    expect(formatSignedBytes(1_234_567)).toBe('+1.2 MB');
    expect(formatSignedBytes(-556_600)).toBe('−557 kB');
    expect(formatSignedBytes(-5_566)).toBe('−5.6 kB');
    expect(formatSignedBytes(0)).toBe('+0 B');
  });
});
