/** The venue directory: names, categories (which feed the rules bundle) and addresses. */
import type { Db } from '../db/types.ts';
import { isUuid } from '../db/uuid.ts';

export interface Venue {
  id: string;
  name: string;
  category: string;
  address: string;
}

/** Venues by name, of one category or all, at most `limit`. */
export async function listVenues(db: Db, category: string | undefined, limit: number): Promise<Venue[]> {
  const { rows } = await db.query<Venue>(
    `SELECT id, name, category, address FROM venues
     WHERE $1::text IS NULL OR category = $1 ORDER BY name LIMIT $2`,
    [category ?? null, limit],
  );
  return rows;
}

/** One venue's id, name and category, or undefined. */
export async function venueById(
  db: Db,
  id: string,
): Promise<{ id: string; name: string; category: string } | undefined> {
  const { rows } = await db.query<{ id: string; name: string; category: string }>(
    'SELECT id, name, category FROM venues WHERE id = $1',
    [id],
  );
  return rows[0];
}

/** Whether a venue has this id; false for text that is not a UUID (the column's type would refuse it). */
export async function venueExists(db: Db, id: string): Promise<boolean> {
  if (!isUuid(id)) return false;
  return (await db.query('SELECT 1 FROM venues WHERE id = $1', [id])).rows.length > 0;
}

/** Every venue's id, name and category, by name (the demo seed's device credentials). */
export async function allVenues(db: Db): Promise<{ id: string; name: string; category: string }[]> {
  const { rows } = await db.query<{ id: string; name: string; category: string }>(
    'SELECT id, name, category FROM venues ORDER BY name',
  );
  return rows;
}
