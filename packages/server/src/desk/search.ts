/** Registry search for the desk: by name, Latin name, date of birth or registry number, with revocation marks. */
import { personName } from '@greenlight/codec';
import { writeAudit } from '../audit.ts';
import type { StaffMember } from '../auth/staff.ts';
import type { Db } from '../db/types.ts';
import { shcRid } from '../issuance/certificates.ts';

export interface FoundPerson {
  id: string;
  externalId: string;
  name: string;
  birthDate: string;
  certificates: { id: string; kind: string; issuedAt: string; revoked: boolean; generation: number }[];
}

/** At most 50 people matching `q` (exact registry number or birth date, or a name substring); audited. */
export async function searchRegistry(db: Db, member: StaffMember, query: string): Promise<FoundPerson[]> {
  const q = query.trim();
  const { rows } = await db.query<{
    id: string;
    external_id: string;
    family_name: string;
    given_name: string | null;
    birth_date: string;
  }>(
    `SELECT id, external_id, family_name, given_name, birth_date FROM people
     WHERE external_id = $1 OR birth_date = $1
        OR (coalesce(given_name, '') || ' ' || family_name) ILIKE $2
        OR (family_name || coalesce(given_name, '')) ILIKE $2
        OR (coalesce(given_name_t, '') || ' ' || family_name_t) ILIKE $2
     ORDER BY family_name, given_name LIMIT 50`,
    [q, `%${q.replace(/[%_\\]/g, (c) => `\\${c}`)}%`],
  );
  const ids = rows.map((r) => r.id);
  const { rows: certs } = await db.query<{
    person_id: string;
    kind: 'dcc' | 'shc';
    issued_at: Date;
    uci: string | null;
    kid: string;
    generation: number;
  }>(
    `SELECT c.person_id, c.kind, c.issued_at, c.uci, c.generation, k.kid FROM issued_certificates c
     JOIN keys k ON k.id = c.key_id WHERE c.person_id = ANY($1::uuid[])`,
    [ids],
  );
  // A DCC is revoked by its UCI, an SHC by its rid (derived from the key, the person and the generation).
  const markOf = (c: (typeof certs)[number]) =>
    c.kind === 'dcc' ? (c.uci ?? '') : shcRid(c.kid, c.person_id, c.generation);
  const { rows: revoked } = await db.query<{ mark: string }>(
    `SELECT coalesce(uci, reference) AS mark FROM revocations
     WHERE uci = ANY($1::text[]) OR reference = ANY($1::text[])`,
    [certs.map(markOf)],
  );
  const revokedMarks = new Set(revoked.map((r) => r.mark));
  await writeAudit(db, {
    actor: member.login,
    action: 'registry.search',
    details: { q, results: rows.length },
  });
  return rows.map((r) => ({
    id: r.id,
    externalId: r.external_id,
    name: personName(r.family_name, r.given_name),
    birthDate: r.birth_date,
    certificates: certs
      .filter((c) => c.person_id === r.id)
      .map((c) => ({
        id: `${c.person_id}:${c.kind}`,
        kind: c.kind,
        issuedAt: new Date(c.issued_at).toISOString(),
        revoked: revokedMarks.has(markOf(c)),
        generation: c.generation,
      })),
  }));
}
