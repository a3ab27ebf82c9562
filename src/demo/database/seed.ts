/** Seeding the demo database with realistic volumes, generated inside the database (INSERT … SELECT generate_series). */
import { ExitCode } from '../../errors/exit-codes.js';
import { RedlineError } from '../../errors/redline-error.js';
import { createPasswordHash, DEMO_PASSWORD } from '../password.js';
import {
  CREATE_INDEXES_SQL,
  CREATE_TABLES_SQL,
  DEMO_SCHEMA_VERSION,
  DROP_TABLES_SQL,
} from './schema.js';

/** How much data to seed. */
export interface DemoSeedSpec {
  /** Users: id 1 is `test@example.com`, ids 2..N are `user1@example.com` … (default 10,000). */
  users: number;
  /** Items for sale, spread over {@link DEMO_CATEGORIES} (default 100,000). */
  items: number;
  /** Orders; skewed so `test@example.com` has about 1% of them (default 200,000). */
  orders: number;
}

/** Default seed volumes: large enough that a sequential scan is clearly slower than an index scan. */
export const DEFAULT_SEED: Readonly<DemoSeedSpec> = {
  users: 10_000,
  items: 100_000,
  orders: 200_000,
};

/** The categories every seed has (slug, name); ids are 1-based positions in this list. */
export const DEMO_CATEGORIES: readonly (readonly [string, string])[] = [
  ['books', 'Books'],
  ['music', 'Music'],
  ['movies', 'Movies'],
  ['games', 'Video Games'],
  ['electronics', 'Electronics'],
  ['computers', 'Computers'],
  ['phones', 'Phones'],
  ['cameras', 'Cameras'],
  ['audio', 'Audio'],
  ['home', 'Home'],
  ['kitchen', 'Kitchen'],
  ['garden', 'Garden'],
  ['tools', 'Tools'],
  ['toys', 'Toys'],
  ['baby', 'Baby'],
  ['beauty', 'Beauty'],
  ['health', 'Health'],
  ['sports', 'Sports'],
  ['outdoors', 'Outdoors'],
  ['automotive', 'Automotive'],
  ['fashion', 'Fashion'],
  ['shoes', 'Shoes'],
  ['jewelry', 'Jewelry'],
  ['watches', 'Watches'],
  ['pets', 'Pet Supplies'],
  ['office', 'Office'],
  ['crafts', 'Arts & Crafts'],
  ['grocery', 'Grocery'],
  ['furniture', 'Furniture'],
  ['lighting', 'Lighting'],
];

const LIMITS: Record<keyof DemoSeedSpec, [number, number]> = {
  users: [1, 1_000_000],
  items: [1, 5_000_000],
  orders: [0, 10_000_000],
};

/** Fills defaults and checks the bounds of a partial seed spec; throws a RedlineError listing every problem. */
export function parseSeedSpec(partial: Partial<DemoSeedSpec> = {}): DemoSeedSpec {
  const spec = { ...DEFAULT_SEED, ...stripUndefined(partial) };
  const problems: string[] = [];
  for (const key of Object.keys(LIMITS) as (keyof DemoSeedSpec)[]) {
    const [min, max] = LIMITS[key];
    const value = spec[key];
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push(`seed.${key} must be an integer from ${min} to ${max} (got ${value})`);
    }
  }
  if (problems.length > 0) {
    throw new RedlineError('DEMO_BAD_SEED', 'invalid demo seed sizes', {
      exitCode: ExitCode.Usage,
      problems,
      hint: 'pass whole numbers within the listed bounds, or leave them out for the defaults',
    });
  }
  return spec;
}

function stripUndefined(partial: Partial<DemoSeedSpec>): Partial<DemoSeedSpec> {
  return Object.fromEntries(Object.entries(partial).filter(([, v]) => v !== undefined));
}

/** A stable string identifying schema version and seed sizes: equal fingerprints mean equal data. */
export function seedFingerprint(spec: DemoSeedSpec): string {
  return `v${DEMO_SCHEMA_VERSION}:u${spec.users}:i${spec.items}:o${spec.orders}`;
}

/** Runs one SQL string (possibly several statements, no parameters) and returns the rows of the last. */
export type SqlRunner = <T>(sql: string) => Promise<T[]>;

/** True when the database already holds the data described by `spec`. */
export async function isSeeded(run: SqlRunner, spec: DemoSeedSpec): Promise<boolean> {
  const [table] = await run<{ name: string | null }>(
    `SELECT to_regclass('demo_meta')::text AS name`,
  );
  if (!table?.name) return false;
  const rows = await run<{ value: string }>(
    `SELECT value FROM demo_meta WHERE key = 'fingerprint'`,
  );
  return rows[0]?.value === seedFingerprint(spec);
}

/** Drops and re-creates the demo tables and fills them (one transaction). Idempotent. */
export async function seedDatabase(run: SqlRunner, spec: DemoSeedSpec): Promise<void> {
  const passwordHash = await createPasswordHash(DEMO_PASSWORD);
  await run('BEGIN');
  try {
    await run(DROP_TABLES_SQL);
    await run(CREATE_TABLES_SQL);
    await run(renderCategoriesInsert());
    await run(renderUsersInsert(spec.users, passwordHash));
    await run(renderItemsInsert(spec));
    if (spec.orders > 0) await run(renderOrdersInsert(spec));
    await run(CREATE_INDEXES_SQL);
    await run(
      `INSERT INTO demo_meta (key, value) VALUES ('fingerprint', '${seedFingerprint(spec)}')`,
    );
    await run('COMMIT');
  } catch (error) {
    await run('ROLLBACK').catch(() => undefined);
    throw error;
  }
  await run('ANALYZE');
}

/** A deterministic pseudo-random integer in 1..mod from a row number expression. */
function pick(expr: string, mod: number): string {
  return `(1 + abs(hashint4((${expr})::int)::bigint) % ${mod})`;
}

function sqlArray(values: readonly string[]): string {
  return `ARRAY[${values.map((v) => `'${v.replaceAll("'", "''")}'`).join(',')}]`;
}

const FIRST = [
  'Ada',
  'Ben',
  'Chloe',
  'Dev',
  'Elena',
  'Farid',
  'Grace',
  'Hugo',
  'Ines',
  'Jonas',
  'Kira',
  'Liam',
  'Maya',
  'Noah',
  'Olga',
  'Priya',
  'Quinn',
  'Rosa',
  'Sam',
  'Tariq',
];
const LAST = [
  'Adams',
  'Bauer',
  'Costa',
  'Dubois',
  'Evans',
  'Fischer',
  'Garcia',
  'Hansen',
  'Ivanova',
  'Jensen',
  'Kim',
  'Lopez',
  'Moreau',
  'Nakamura',
  'Okafor',
  'Patel',
  'Rossi',
  'Silva',
  'Tanaka',
  'Weber',
];
const ADJECTIVES = [
  'Vintage',
  'Compact',
  'Wireless',
  'Handmade',
  'Organic',
  'Premium',
  'Classic',
  'Portable',
  'Ergonomic',
  'Refurbished',
  'Rustic',
  'Smart',
];
const NOUNS = [
  'Lamp',
  'Backpack',
  'Speaker',
  'Notebook',
  'Chair',
  'Kettle',
  'Jacket',
  'Camera',
  'Board Game',
  'Watch',
  'Headphones',
  'Planter',
  'Drill',
  'Blender',
  'Sneakers',
  'Puzzle',
];
const STATUSES = [
  'delivered',
  'delivered',
  'delivered',
  'delivered',
  'shipped',
  'shipped',
  'paid',
  'pending',
  'cancelled',
  'refunded',
];

function renderCategoriesInsert(): string {
  const values = DEMO_CATEGORIES.map(
    ([slug, name], i) => `(${i + 1}, '${slug}', '${name.replaceAll("'", "''")}')`,
  );
  return `INSERT INTO categories (id, slug, name) VALUES ${values.join(', ')}`;
}

function renderUsersInsert(users: number, passwordHash: string): string {
  return `INSERT INTO users (id, email, name, password_hash, created_at)
SELECT g,
  CASE WHEN g = 1 THEN 'test@example.com' ELSE 'user' || (g - 1) || '@example.com' END,
  CASE WHEN g = 1 THEN 'Test User'
    ELSE (${sqlArray(FIRST)})[${pick('g', FIRST.length)}] || ' ' || (${sqlArray(LAST)})[${pick('g * 7 + 3', LAST.length)}] END,
  '${passwordHash}',
  timestamptz '2023-01-01 00:00:00+00' + g * interval '13 minutes'
FROM generate_series(1, ${users}) AS g`;
}

function renderItemsInsert(spec: DemoSeedSpec): string {
  const title = `(${sqlArray(ADJECTIVES)})[${pick('g * 3', ADJECTIVES.length)}] || ' ' || (${sqlArray(NOUNS)})[${pick('g * 5 + 1', NOUNS.length)}]`;
  return `INSERT INTO items (id, seller_id, category_id, title, description, price_cents, stock, created_at)
SELECT g,
  ${pick('g * 11 + 5', spec.users)},
  ${pick('g * 13 + 7', DEMO_CATEGORIES.length)},
  ${title} || ' #' || g,
  'A ' || lower(${title}) || ' in good condition. Ships within ' || ${pick('g * 17', 9)} || ' days; returns accepted for 30 days. Item reference ' || md5(g::text) || '.',
  199 + abs(hashint4(g * 19 + 11)::bigint) % 49800,
  abs(hashint4(g * 23 + 13)::bigint) % 250,
  timestamptz '2025-06-01 00:00:00+00' - (abs(hashint4(g * 29 + 17)::bigint) % 63072000) * interval '1 second'
FROM generate_series(1, ${spec.items}) AS g`;
}

/** Orders: user ids follow r² (r uniform in [0,1)), so low ids, above all user 1, order far more. */
function renderOrdersInsert(spec: DemoSeedSpec): string {
  return `INSERT INTO orders (id, user_id, item_id, quantity, total_cents, status, created_at)
SELECT o.g, o.user_id, i.id, o.quantity, o.quantity * i.price_cents, o.status, o.created_at
FROM (
  SELECT g,
    1 + floor(${spec.users} * power((abs(hashint4(g * 31 + 19)::bigint) % 1000000) / 1000000.0, 2))::int AS user_id,
    ${pick('g * 37 + 23', spec.items)} AS item_id,
    ${pick('g * 41 + 29', 4)} AS quantity,
    (${sqlArray(STATUSES)})[${pick('g * 43 + 31', STATUSES.length)}] AS status,
    timestamptz '2025-06-01 00:00:00+00' - (abs(hashint4(g * 47 + 37)::bigint) % 31536000) * interval '1 second' AS created_at
  FROM generate_series(1, ${spec.orders}) AS g
) AS o JOIN items AS i ON i.id = o.item_id`;
}
