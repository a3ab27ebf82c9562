/** What the VERBOSE plan tells the safety check: writes, written tables, every expression. */
import { describe, expect, it } from 'vitest';
import { readPlanFacts } from './statement-safety.js';

describe('readPlanFacts', () => {
  it('sees ModifyTable (with partition targets), LockRows and every expression string', () => {
    const update = readPlanFacts([
      {
        Plan: {
          'Node Type': 'ModifyTable',
          Operation: 'Update',
          'Relation Name': 'parted',
          Schema: 'public',
          'Target Tables': [{ 'Relation Name': 'parted_1', Schema: 'public' }],
          Plans: [
            {
              'Node Type': 'Seq Scan',
              'Relation Name': 'parted_1',
              Output: ["nextval('s'::regclass)"],
            },
          ],
        },
      },
    ]);
    expect(update.writes).toBe(true);
    expect([...update.written]).toEqual([
      [JSON.stringify(['public', 'parted']), 16],
      [JSON.stringify(['public', 'parted_1']), 16],
    ]);
    expect(update.text).toContain("nextval('s'::regclass)");

    const locking = readPlanFacts([
      { Plan: { 'Node Type': 'LockRows', Plans: [{ 'Node Type': 'Seq Scan' }] } },
    ]);
    expect(locking).toMatchObject({ writes: true });
    expect(locking.written.size).toBe(0);

    const read = readPlanFacts([{ Plan: { 'Node Type': 'Seq Scan', Filter: '(v === 3)' } }]);
    expect(read.writes).toBe(false);
  });

  it('counts a MERGE (or an unknown operation) as every kind of write', () => {
    const merge = readPlanFacts([
      {
        Plan: {
          'Node Type': 'ModifyTable',
          Operation: 'Merge',
          'Relation Name': 't',
          Schema: 'public',
        },
      },
    ]);
    expect([...merge.written.values()]).toEqual([4 | 8 | 16]);
  });
});
