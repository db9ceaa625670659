/** A holder's stored certificates and their family's (the people whose guardian they are): reads, never signing. */
import { personName } from '@greenlight/codec';
import { bearerSessionToken, sessionTokenHash } from '../auth/holders.ts';
import type { Db } from '../db/types.ts';
import { ServerError } from '../errors.ts';
import { paperPassPdf } from '../paper/pass-pdf.ts';

export interface CertificateRow {
  person_id: string;
  kind: 'dcc' | 'shc';
  payload: string;
  family_name: string;
  given_name: string | null;
  relation: 'self' | 'family';
}

export interface HolderCertificate {
  /** `<personId>:dcc` or `<personId>:shc`. */
  id: string;
  personId: string;
  name: string;
  relation: 'self' | 'family';
  kind: 'dcc' | 'shc';
  /** `HC1:` text, or the SMART Health Card JWS. */
  text: string;
}

/** The holder's and their family's stored certificates. */
export async function certificatesOf(db: Db, personId: string): Promise<CertificateRow[]> {
  const { rows } = await db.query<CertificateRow>(
    `SELECT c.person_id, c.kind, c.payload, p.family_name, p.given_name,
            CASE WHEN p.id = $1 THEN 'self' ELSE 'family' END AS relation
     FROM issued_certificates c JOIN people p ON p.id = c.person_id
     WHERE p.id = $1 OR p.guardian_id = $1
     ORDER BY (p.id = $1) DESC, p.birth_date, c.kind`,
    [personId],
  );
  return rows;
}

/**
 * The lunchtime path: the session check and the stored certificates in one prepared round trip, for the
 * `Authorization` header value. Throws ERR_UNAUTHORIZED (401).
 */
export async function certificatesOfSession(
  db: Db,
  header: string | undefined,
  now: Date,
): Promise<HolderCertificate[]> {
  const token = bearerSessionToken(header);
  const { rows } = await db.query<CertificateRow & { session_person: string }>(
    `SELECT s.person_id AS session_person, c.person_id, c.kind, c.payload, p.family_name, p.given_name,
            CASE WHEN p.id = s.person_id THEN 'self' ELSE 'family' END AS relation
     FROM holder_sessions s
     LEFT JOIN people p ON p.id = s.person_id OR p.guardian_id = s.person_id
     LEFT JOIN issued_certificates c ON c.person_id = p.id
     WHERE s.token_hash = $1 AND s.expires_at > $2
     ORDER BY (p.id = s.person_id) DESC, p.birth_date, c.kind`,
    [sessionTokenHash(token), now.toISOString()],
    { prepare: 'holder-certificates' },
  );
  if (rows.length === 0) throw new ServerError('ERR_UNAUTHORIZED');
  return rows
    .filter((r) => r.kind !== null)
    .map((r) => ({
      id: `${r.person_id}:${r.kind}`,
      personId: r.person_id,
      name: personName(r.family_name, r.given_name),
      relation: r.relation,
      kind: r.kind,
      text: r.payload,
    }));
}

/** The holder's display name ('' when the person is gone). */
export async function holderName(db: Db, personId: string): Promise<string> {
  const { rows } = await db.query<{ family_name: string; given_name: string | null }>(
    'SELECT family_name, given_name FROM people WHERE id = $1',
    [personId],
  );
  const row = rows[0];
  return row ? personName(row.family_name, row.given_name) : '';
}

/** The paper pass PDF of one of the holder's (or family's) certificates, by `<personId>:dcc`; 404 otherwise. */
export async function holderPassPdf(db: Db, personId: string, certificateId: string): Promise<Uint8Array> {
  const cert = (await certificatesOf(db, personId)).find((r) => `${r.person_id}:${r.kind}` === certificateId);
  if (!cert) throw new ServerError('ERR_NOT_FOUND', 'no such certificate of yours');
  return paperPassPdf(cert.payload);
}
