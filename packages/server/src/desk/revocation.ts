/**
 * Revocation at the desk: every form of a person's certificate at once, a DCC by its UCI and an SHC by its rid,
 * so that no form stays valid after another is revoked; the caller republishes the bundles. It revokes the
 * current generation; a reissue (reissue.ts) signs the next one with new identifiers.
 */
import { uuidv7 } from 'uuidv7';
import { writeAudit } from '../audit.ts';
import type { StaffMember } from '../auth/staff.ts';
import type { Db } from '../db/types.ts';
import { ServerError } from '../errors.ts';
import { shcRid } from '../issuance/certificates.ts';

/**
 * Revokes the person's certificate of `kind` and every other form of it the person holds (DCC and SHC), each once:
 * a form already revoked by the same mark is not listed twice. Returns the ids (`<personId>:<kind>`) revoked now.
 * Throws ERR_NOT_FOUND (404) when the person holds no certificate of `kind`. Audited once, naming the forms.
 */
export async function revokeCertificate(
  db: Db,
  member: StaffMember,
  personId: string,
  kind: 'dcc' | 'shc',
  reason: string,
): Promise<string[]> {
  const { rows } = await db.query<{
    kind: 'dcc' | 'shc';
    uci: string | null;
    key_id: string;
    kid: string;
    generation: number;
  }>(
    `SELECT c.kind, c.uci, c.key_id, c.generation, k.kid FROM issued_certificates c JOIN keys k ON k.id = c.key_id
     WHERE c.person_id = $1 ORDER BY c.kind`,
    [personId],
  );
  if (!rows.some((row) => row.kind === kind)) {
    throw new ServerError('ERR_NOT_FOUND', 'the certificate does not exist');
  }
  const forms = rows.map((row) => ({
    kind: row.kind,
    keyId: row.key_id,
    uci: row.kind === 'dcc' ? row.uci : null,
    rid: row.kind === 'shc' ? shcRid(row.kid, personId, row.generation) : null,
  }));
  const { rows: existing } = await db.query<{ mark: string }>(
    'SELECT coalesce(uci, reference) AS mark FROM revocations WHERE uci = ANY($1::text[]) OR reference = ANY($1::text[])',
    [forms.map((form) => form.uci ?? form.rid ?? '')],
  );
  const already = new Set(existing.map((row) => row.mark));
  const revoked: string[] = [];
  for (const form of forms) {
    if (already.has(form.uci ?? form.rid ?? '')) continue;
    await db.query(
      `INSERT INTO revocations (id, kind, uci, key_id, reference, reason, revoked_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [uuidv7(), form.kind, form.uci, form.keyId, form.rid, reason, member.login],
    );
    revoked.push(`${personId}:${form.kind}`);
  }
  await writeAudit(db, {
    actor: member.login,
    action: 'certificate.revoke',
    subject: personId,
    details: { kind, forms: revoked, reason },
  });
  return revoked;
}
