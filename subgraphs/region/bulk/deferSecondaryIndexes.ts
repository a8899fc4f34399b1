import type { Pool } from 'pg';

/** Memory for one index build (a session setting, not the server's); sorts 1M rows in memory. */
const BUILD_MEMORY = '256MB';

/**
 * Before a bulk load: if `study` and `series` are both empty, records the exact definition
 * of each of their secondary indexes (not primary keys or unique constraints, which the
 * merge's ON CONFLICT needs) and foreign keys in `deferred_index` and drops it, in one transaction under an
 * exclusive lock, so no write can slip in between the check and the drop. Returns the names
 * deferred (none when the index holds anything: then every index stays and is maintained
 * row by row as before).
 *
 * Why: maintaining three B-trees and a GIN index for every row of a first load of a million
 * studies costs more than building them once, sorted, afterwards; the indexes that result
 * are the same (same definitions). Readers meanwhile get correct answers from sequential
 * scans of a table being filled, and the membership triggers are untouched, so the patient
 * locator's log stays complete.
 */
export async function deferSecondaryIndexesIfEmpty(pool: Pool): Promise<string[]> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('LOCK TABLE study, series IN ACCESS EXCLUSIVE MODE');
    const { rows: state } = await client.query<{ empty: boolean }>('SELECT NOT EXISTS (SELECT 1 FROM study) AND NOT EXISTS (SELECT 1 FROM series) AS empty');
    if (!state[0]?.empty) {
      await client.query('ROLLBACK');
      return [];
    }
    const { rows } = await client.query<{ name: string; definition: string; drop: string }>(
      `SELECT c.relname AS name, pg_get_indexdef(i.indexrelid) AS definition, format('DROP INDEX %I', c.relname) AS drop
         FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
        WHERE i.indrelid IN ('study'::regclass, 'series'::regclass) AND NOT i.indisprimary AND NOT i.indisunique
          AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
       UNION ALL
       -- Foreign keys: checked once, by one join, when added back, instead of one locking
       -- lookup of the study per series row.
       SELECT k.conname, format('ALTER TABLE %s ADD CONSTRAINT %I %s', k.conrelid::regclass, k.conname, pg_get_constraintdef(k.oid)),
              format('ALTER TABLE %s DROP CONSTRAINT %I', k.conrelid::regclass, k.conname)
         FROM pg_constraint k
        WHERE k.contype = 'f' AND k.conrelid IN ('study'::regclass, 'series'::regclass)
        ORDER BY 1`,
    );
    for (const { name, definition, drop } of rows) {
      await client.query('INSERT INTO deferred_index (name, definition) VALUES ($1, $2)', [name, definition]);
      await client.query(drop);
    }
    await client.query('COMMIT');
    return rows.map((r) => r.name);
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/**
 * Builds every index recorded in `deferred_index`, each with its removal from the table in
 * one transaction (an index exists or is recorded as missing, never neither), up to
 * `connections` at a time. Safe to call at any time: with nothing deferred it does nothing.
 * One that cannot be built (a foreign key that no longer holds) stays recorded and the
 * others are still built; then it throws, naming each failure. Returns the names built.
 */
export async function restoreDeferredIndexes(pool: Pool, connections = 2): Promise<string[]> {
  const { rows } = await pool.query<{ name: string; definition: string }>('SELECT name, definition FROM deferred_index ORDER BY name');
  const queue = [...rows];
  const built: string[] = [];
  const failed: string[] = [];
  const worker = async () => {
    const client = await pool.connect();
    try {
      await client.query(`SET maintenance_work_mem = '${BUILD_MEMORY}'`);
      for (let next = queue.shift(); next; next = queue.shift()) {
        await client.query('BEGIN');
        try {
          // Taken by another process meanwhile (a region start repairing while a load finishes): skip it.
          const { rowCount } = await client.query('DELETE FROM deferred_index WHERE name = $1 AND definition = $2', [next.name, next.definition]);
          if (rowCount === 1) await client.query(next.definition);
          await client.query('COMMIT');
          if (rowCount === 1) built.push(next.name);
        } catch (err) {
          await client.query('ROLLBACK').catch(() => undefined);
          failed.push(`${next.name}: ${(err as Error).message}`);
        }
      }
    } finally {
      await client.query('RESET maintenance_work_mem').catch(() => undefined);
      client.release();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(connections, rows.length)) }, worker));
  if (failed.length > 0) throw new Error(`could not restore ${failed.length} deferred index(es) or foreign key(s), still recorded in deferred_index (built: ${built.sort().join(', ') || 'none'}): ${failed.join('; ')}`);
  return built.sort();
}
