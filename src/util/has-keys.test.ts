import { describe, expect, it } from 'vitest';
import { hasKeys } from './has-keys.js';

describe('hasKeys', () => {
  it('is false for undefined and empty objects, true once a key exists', () => {
    expect(hasKeys(undefined)).toBe(false);
    expect(hasKeys({})).toBe(false);
    expect(hasKeys({ a: '1' })).toBe(true);
    expect(hasKeys(Object.create({ inherited: 1 }))).toBe(true);
  });
});
