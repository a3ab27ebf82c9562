// The one "did you mean" of every reader: the nearest candidate, and its one wording.
import { describe, expect, it } from 'vitest';
import { didYouMean, editDistance, findNearest, nearestHint } from './nearest.js';

describe('findNearest', () => {
  it('finds a misspelled name, case-insensitively, and nothing for an unrelated one', () => {
    expect(editDistance('gracefulStopp', 'gracefulStop')).toBe(1);
    expect(findNearest('gracefulStopp', ['gracefulStop', 'startTime'])).toBe('gracefulStop');
    expect(findNearest('DURATION', ['duration', 'vus'])).toBe('duration');
    expect(findNearest('zzzzzz', ['duration', 'vus'])).toBeUndefined();
  });
});

describe('nearestHint and didYouMean', () => {
  it('word a suggestion one way, and say nothing without one', () => {
    expect(nearestHint('vus')).toBe('; did you mean "vus"?');
    expect(nearestHint(undefined)).toBe('');
    expect(didYouMean('vu', ['vus', 'duration'])).toBe('; did you mean "vus"?');
    expect(didYouMean('zzzzzz', ['vus', 'duration'])).toBe('');
  });
});
