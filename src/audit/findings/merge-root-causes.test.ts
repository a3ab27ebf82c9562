/**
 * The count of a list page and its plan are one finding with the count's advice: recorded on a
 * real Express + Sequelize + MariaDB service (bench/realapps exseq, 6 December), whose
 * findAndCountAll counts `DISTINCT Article.id` joined to the page's includes on every list request.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../findings/finding.js';
import { renderCacheCandidate } from '../../probe/detectors/cache-candidate.js';
import { renderCountPerList } from '../../probe/detectors/count-per-list.js';
import { countJoinsIdle, mergeRootCauses } from './merge-root-causes.js';

/** The db step's finding on the count statement, as the audit recorded it. */
const plan = JSON.parse(
  readFileSync(new URL('../__fixtures__/exseq-count-nested-loop.json', import.meta.url), 'utf8'),
) as Finding;
const countSql = plan.location?.query as string;

/** The probe's count-per-list finding on the same statement, from its real renderer. */
function countFinding(query = countSql): Finding {
  return renderCountPerList(
    {
      id: 'probe.count-per-list',
      route: 'GET /articles',
      query,
      site: { file: '/srv/exseq/controllers/articles.js', line: 61, column: 5 },
      requests: 186,
      executions: 186,
      totalMs: 125_000,
      maxMs: 2_000,
      detail: {},
      firstSeen: 0,
      lastSeen: 1,
    },
    { routeRequests: 186, routeMs: 300_000 },
  );
}

describe('the count of every list page and its plan', () => {
  it('one finding at the count’s line, with the count’s advice, not the generic join advice', () => {
    const out = mergeRootCauses([plan, countFinding()]);
    expect(out).toHaveLength(1);
    const [one] = out as [Finding];
    expect(one.id).toBe('probe.count-per-list');
    expect(one.location?.line).toBe(61);
    expect(one.severity).toBe('high');
    expect(one.merged).toEqual(['db.nested-loop']);
    // The joins are LEFT joins with no filter: counting Articles alone is the same number.
    expect(one.recommendation.text).toMatch(/count the first table alone/);
    expect(one.recommendation.text).toMatch(/Sequelize findAndCountAll counts with them/);
    expect(one.recommendation.text).not.toMatch(/join key is indexed/);
    expect(one.evidence.find((e) => e.label === "the count's plan: db.nested-loop")?.value).toMatch(
      /^Nested loop repeats its inner side/,
    );
  });

  it('healthy: a plan finding on another statement stays its own; a count alone stays as it is', () => {
    const other = countFinding('SELECT count(*) FROM `Comments`');
    const out = mergeRootCauses([plan, other]);
    expect(out.map((f) => f.id).sort()).toEqual(['db.nested-loop', 'probe.count-per-list']);
    expect(out.find((f) => f.id === 'probe.count-per-list')).toEqual(other);
  });

  it('says the joins are idle only when no join can change a DISTINCT count', () => {
    expect(countJoinsIdle(countSql)).toBe(true);
    expect(countJoinsIdle(countSql.replace('LEFT OUTER JOIN `Users`', 'INNER JOIN `Users`'))).toBe(
      false,
    );
    expect(countJoinsIdle(`${countSql} WHERE \`author\`.\`username\` = ?`)).toBe(false);
    expect(countJoinsIdle('SELECT count(*) FROM a LEFT JOIN b ON b.a_id = a.id')).toBe(false);
    expect(countJoinsIdle('SELECT count(DISTINCT a.id) FROM a')).toBe(false);
    // A DISTINCT over a joined table's column counts what the joins bring: not idle.
    expect(
      countJoinsIdle(
        countSql.replace('count(DISTINCT(`Article`.`id`))', 'count(DISTINCT(`author`.`id`))'),
      ),
    ).toBe(false);
    expect(countJoinsIdle('SELECT count(DISTINCT b.x) FROM a LEFT JOIN b ON b.a_id = a.id')).toBe(
      false,
    );
    // The first table by its name, unquoted, any of its columns: idle.
    expect(
      countJoinsIdle('SELECT count(DISTINCT a.author_id) FROM a LEFT JOIN b ON b.a_id = a.id'),
    ).toBe(true);
  });
});

/** A cache candidate of `query` on `route`, from the probe's real renderer. */
function cacheFinding(query: string, route: string): Finding {
  return renderCacheCandidate(
    {
      id: 'probe.cache-candidate',
      route,
      query,
      site: { file: '/srv/mikro/src/article/article.service.ts', line: 55, column: 17 },
      requests: 13,
      executions: 609,
      totalMs: 31_144,
      maxMs: 120,
      detail: { repeats: 60, requests: 60 },
      firstSeen: 0,
      lastSeen: 1,
    },
    { routeRequests: 609, routeMs: 300_000 },
  );
}

describe("the count's own cache candidate", () => {
  // Recorded on NestJS + MikroORM + MariaDB (bench/realapps mikro, 6 December 15:09): the list's
  // count had no plan finding, and was reported twice: count per list (#5) and cache candidate (#6).
  const mikroCount =
    'select count(distinct `a`.`id`) as `count` from `article` as `a` left join `user` as `u` on `a`.`author_id` = `u`.`id` order by `a`.`created_at` desc';

  it('is folded into the count finding on the same route (one root cause, one finding)', () => {
    const out = mergeRootCauses([
      countFinding(mikroCount),
      cacheFinding(mikroCount, 'GET /articles'),
    ]);
    expect(out).toHaveLength(1);
    const [one] = out as [Finding];
    expect(one.id).toBe('probe.count-per-list');
    expect(one.merged).toEqual(['probe.cache-candidate']);
    expect(one.rootCause).toMatch(/caching the total, as advised, removes the repeats/);
    expect(one.evidence.find((e) => e.label === 'database time a cache would save')?.value).toBe(
      31_144,
    );
  });

  it('healthy: a cache candidate of another statement, or of the count on another route, stays', () => {
    const other = cacheFinding('select `t0`.* from `tag` as `t0`', 'GET /articles');
    const elsewhere = cacheFinding(mikroCount, 'GET /feed');
    const out = mergeRootCauses([countFinding(mikroCount), other, elsewhere]);
    expect(out.map((f) => f.id).sort()).toEqual([
      'probe.cache-candidate',
      'probe.cache-candidate',
      'probe.count-per-list',
    ]);
  });
});
