/** The over-approximate name scans: every name a text could refer to, wherever it is written. */
import { describe, expect, it } from 'vitest';
import { calledNames, identifierWords, mayReference } from './referenced-names.js';

describe('calledNames', () => {
  it('finds calls with and without schema, folding like PostgreSQL', () => {
    expect(
      calledNames('SELECT NextVal(\'s\'), public.f_x(1), "Odd Name" (2), pg_catalog . now()'),
    ).toEqual([
      { name: 'nextval' },
      { schema: 'public', name: 'f_x' },
      { name: 'Odd Name' },
      { schema: 'pg_catalog', name: 'now' },
    ]);
  });

  it('also counts names inside strings and comments (dynamic SQL can call them)', () => {
    const names = calledNames(
      "PERFORM 1; EXECUTE 'SELECT pg_terminate_backend(' || pid || ')'; -- dblink_exec(x)",
    ).map((c) => c.name);
    expect(names).toEqual(expect.arrayContaining(['pg_terminate_backend', 'dblink_exec']));
  });

  it('lists each call once', () => {
    expect(calledNames('f(1) + f(2) + F (3)')).toEqual([{ name: 'f' }]);
  });
});

describe('identifierWords', () => {
  it('reads words in code, strings, comments and executable comments', () => {
    const words = identifierWords("/*!DELETE*/ FROM `m` WHERE note = 'x' -- other_db.m2");
    expect([...words]).toEqual(
      expect.arrayContaining(['delete', 'from', 'm', 'note', 'x', 'other_db', 'm2']),
    );
  });

  it('separates a version number glued to the name after /*! and /*M! (5 or 6 digits)', () => {
    for (const text of [
      'DELETE FROM /*!50000m*/',
      'DELETE FROM /*M!100000m*/',
      'DELETE FROM /*!100000m*/',
    ]) {
      expect(identifierWords(text).has('m'), text).toBe(true);
    }
    // With 5 digits read as the version, MariaDB sees the identifier `0m`: both cuts are kept.
    expect(identifierWords('/*!100000m*/').has('0m')).toBe(true);
  });
});

describe('mayReference', () => {
  it('matches plain names as words, not as parts of other words', () => {
    const text = 'DELETE FROM items WHERE memo = 1';
    const words = identifierWords(text);
    expect(mayReference(text, words, 'items')).toBe(true);
    expect(mayReference(text, words, 'ITEMS')).toBe(true);
    expect(mayReference(text, words, 'm')).toBe(false);
  });

  it('matches names with other characters as substrings, backquotes doubled or not', () => {
    const text = 'DELETE FROM `my table`, `we``ird`';
    const words = identifierWords(text);
    expect(mayReference(text, words, 'my table')).toBe(true);
    expect(mayReference(text, words, 'we`ird')).toBe(true);
    expect(mayReference(text, words, 'my-table')).toBe(false);
  });
});
