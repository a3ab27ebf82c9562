import { describe, expect, it } from 'vitest';
import { callListeners } from './listeners.js';

describe('callListeners', () => {
  it('calls every listener in order and hands rejected promises to fail', async () => {
    const calls: string[] = [];
    const failed: unknown[] = [];
    const ok = callListeners(
      [() => calls.push('a'), () => Promise.reject(new Error('late')), () => calls.push('c')],
      (listener) => listener(),
      (error) => failed.push(error),
    );
    expect(ok).toBe(true);
    expect(calls).toEqual(['a', 'c']);
    await new Promise((r) => setImmediate(r));
    expect(failed.map((e) => (e as Error).message)).toEqual(['late']);
  });

  it('stops at a listener that throws and reports it', () => {
    const calls: string[] = [];
    const failed: unknown[] = [];
    const ok = callListeners(
      [
        () => calls.push('a'),
        () => {
          throw new Error('now');
        },
        () => calls.push('c'),
      ],
      (listener) => listener(),
      (error) => failed.push(error),
    );
    expect(ok).toBe(false);
    expect(calls).toEqual(['a']);
    expect((failed[0] as Error).message).toBe('now');
  });

  it('hands `arg` to each call', () => {
    const seen: Array<[string, number]> = [];
    const ok = callListeners(
      ['a', 'b'],
      (listener, n: number) => seen.push([listener, n]),
      () => {},
      7,
    );
    expect(ok).toBe(true);
    expect(seen).toEqual([
      ['a', 7],
      ['b', 7],
    ]);
  });
});
