// The "Test data:" sentence of a plan: data files with counts and draw order, lists in the plan,
// or the same values every iteration; never a value.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describePlanFileData } from './describe-data.js';

const dir = mkdtempSync(join(tmpdir(), 'redline-plan-data-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function plan(name: string, head: string): string {
  const file = join(dir, name);
  writeFileSync(file, `target: http://127.0.0.1:1\n${head}flow:\n  - get: /x\n`);
  return file;
}

describe('describePlanFileData', () => {
  it('counts records and distinct keys of a data file, and says how rows are drawn', () => {
    writeFileSync(
      join(dir, 'users.csv'),
      'email,password\na@x.io,s3cret\nb@x.io,s3cret\na@x.io,s3cret\n',
    );
    const text = describePlanFileData(plan('csv.yaml', 'payload: { path: users.csv }\n'));
    expect(text).toMatch(
      /users\.csv \(3 records, 2 distinct email values; one row per iteration, drawn at random, shared read-only by the virtual users \(SharedArray\)\)$/,
    );
    expect(text).not.toContain('s3cret');
    expect(text).not.toContain('a@x.io');
  });

  it('names lists the plan picks from, or says every iteration sends the same values', () => {
    expect(
      describePlanFileData(plan('lists.yaml', 'variables:\n  email: [a@x.io, b@x.io]\n')),
    ).toBe('no data file; each iteration picks at random from lists in the plan (email: 2 values)');
    expect(describePlanFileData(plan('same.yaml', ''))).toBe(
      'no data file: every iteration sends the same values (e.g. the same account)',
    );
  });
});
