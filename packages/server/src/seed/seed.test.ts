import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDb, testDb } from '../../test/databases.ts';
import { isRegistryEmpty, prng, seedDemo } from './seed.ts';

describe('demo seed', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await testDb('pglite');
  });
  afterAll(async () => {
    await t?.release();
  });

  it('is deterministic', () => {
    const a = prng(7);
    const b = prng(7);
    expect([a(), a(), a()]).toEqual([b(), b(), b()]);
  });

  it('fills an empty registry with people, families, doses, venues and one partner', async () => {
    expect(await isRegistryEmpty(t.db)).toBe(true);
    const now = () => new Date('2026-11-01T00:00:00Z');
    const result = await seedDemo(t.db, { people: 400, now });
    expect(await isRegistryEmpty(t.db)).toBe(false);
    expect(result.people).toBe(400);
    expect(new Set(result.demoHolders.map((h) => h.externalId)).size).toBe(3);
    // The demo logins show a booster, a parent and someone without doses, as the console says.
    const [boosted, parent, unvaccinated] = result.demoHolders;
    expect(result.demoHolders.map((h) => h.shows.split(':')[0])).toEqual(['booster', 'a parent', 'no doses']);
    const doses = async (externalId: string) =>
      (
        await t.db.query<{ doses: number; children: number }>(
          `SELECT (SELECT count(*)::int FROM immunizations i WHERE i.person_id = p.id) AS doses,
                  (SELECT count(*)::int FROM people c WHERE c.guardian_id = p.id) AS children
           FROM people p WHERE p.external_id = $1`,
          [externalId],
        )
      ).rows[0];
    expect((await doses(boosted?.externalId as string))?.doses).toBe(3);
    expect((await doses(parent?.externalId as string))?.children).toBeGreaterThan(0);
    expect((await doses(unvaccinated?.externalId as string))?.doses).toBe(0);
    expect(result.partner.clientSecret.length).toBeGreaterThanOrEqual(32);
    const { rows } = await t.db.query<{
      people: number;
      hangul: number;
      minors: number;
      venues: number;
      secret: string;
    }>(
      `SELECT (SELECT count(*)::int FROM people) AS people,
              (SELECT count(*)::int FROM people WHERE family_name ~ '[가-힣]') AS hangul,
              (SELECT count(*)::int FROM people WHERE guardian_id IS NOT NULL) AS minors,
              (SELECT count(*)::int FROM venues) AS venues,
              (SELECT secret_hash FROM partner_clients WHERE client_id = 'demo-partner') AS secret`,
    );
    const stats = rows[0];
    expect(stats?.people).toBe(400);
    expect(stats?.hangul).toBeGreaterThan(200);
    expect(stats?.minors).toBe(50);
    expect(stats?.venues).toBe(5);
    expect(stats?.secret).toMatch(/^scrypt\$/);
    expect(stats?.secret).not.toContain(result.partner.clientSecret);
  });
});
