/** Connection pools seen by the probe, for the total / idle / waiting gauges. */

/** One pool's gauges. */
export interface PoolGauges {
  driver: 'pg' | 'mysql2';
  id: number;
  total: number;
  idle: number;
  waiting: number;
  max: number;
}

type Reader = () => Omit<PoolGauges, 'driver' | 'id'>;

const known = new WeakSet<object>();
const pools: Array<{
  ref: WeakRef<object>;
  driver: PoolGauges['driver'];
  id: number;
  read: (pool: object) => ReturnType<Reader>;
}> = [];
let nextId = 1;

/** Registers a pool (once) with a function that reads its gauges. */
export function registerPool(
  driver: PoolGauges['driver'],
  pool: object,
  read: (pool: object) => ReturnType<Reader>,
): void {
  if (known.has(pool)) return;
  known.add(pool);
  pools.push({ ref: new WeakRef(pool), driver, id: nextId++, read });
}

/** Current gauges of every live pool. */
export function readPoolGauges(): PoolGauges[] {
  const out: PoolGauges[] = [];
  for (let i = pools.length - 1; i >= 0; i--) {
    const entry = pools[i] as (typeof pools)[number];
    const pool = entry.ref.deref();
    if (!pool) {
      pools.splice(i, 1);
      continue;
    }
    try {
      out.push({ driver: entry.driver, id: entry.id, ...entry.read(pool) });
    } catch {
      // a pool that changed shape: skip it
    }
  }
  return out.reverse();
}
