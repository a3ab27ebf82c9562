// The recorder's stack captures: one cached site per normalised statement, whatever the literal
// values an ORM writes into the text, and captured stacks released once resolved (a structured
// stack holds every frame's receiver: model instances, request objects).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type CallSiteHolder, resolveSite } from './query-site.js';
import { beginQuery, finishQuery } from './recorder.js';
import { createRequestState } from './state.js';

// The application: a file outside the probe's folder (the probe's own frames are never a site).
const dir = mkdtempSync(join(tmpdir(), 'redline-recorder-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(join(dir, 'model.cjs'), 'exports.findById = (query, id) => query(id);\n');
const app = createRequire(import.meta.url)(join(dir, 'model.cjs')) as {
  findById(query: (id: number) => CallSiteHolder, id: number): CallSiteHolder;
};

/** Issues `SELECT … WHERE id = <literal>` once per request, as Sequelize on MySQL does. */
function query(id: number): CallSiteHolder {
  const state = createRequestState('GET', `/users/${id}`);
  const record = beginQuery(
    state,
    'mysql2',
    `SELECT id, name FROM users_rec WHERE id = ${id}`,
    undefined,
    false,
    query,
  );
  finishQuery(state, record, { rows: 1 });
  return record.site as CallSiteHolder;
}

const lookup = (id: number): CallSiteHolder => app.findById(query, id);

describe('recorder call sites', () => {
  it('captures one stack per normalised statement, not one per literal value in the text', () => {
    const first = lookup(1);
    const sites = new Set<CallSiteHolder>();
    for (let id = 2; id <= 200; id++) sites.add(lookup(id));
    expect(sites.size).toBe(1);
    expect(sites.has(first)).toBe(true);
    expect(resolveSite(first, dir)).toMatchObject({ file: 'model.cjs', line: 1 });
  });

  it('releases the captured stack once its frames are read, keeping the resolved site', () => {
    const holder = app.findById(function released() {
      const state = createRequestState('GET', '/orders');
      const record = beginQuery(state, 'pg', 'SELECT 42 AS released', [], false, released);
      return record.site as CallSiteHolder;
    }, 42);
    const site = resolveSite(holder, dir);
    expect(holder.stack).toBeUndefined();
    expect(site).toMatchObject({ file: 'model.cjs', line: 1 });
    expect(resolveSite(holder, dir)).toEqual(site);
  });
});
